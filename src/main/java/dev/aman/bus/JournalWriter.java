package dev.aman.bus;

import dev.aman.store.GroupCommit;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The bus journal: appends and delivery updates are group-committed (see {@link GroupCommit}), so
 * durability costs one fsync per batch, not per event. Committed appends are handed to
 * {@code onCommitted} in commit order (the admission order seen by handlers and SSE) before their
 * publishers are answered. Thread-safe for submitters.
 */
final class JournalWriter {
    private static final int MAX_BATCH = 512;

    /** One unit of journal work. {@code persist == false} for transient events (never stored). */
    private sealed interface Work permits Append, Update {
    }

    private record Append(EventStore.Append append, boolean persist) implements Work {
    }

    private record Update(EventStore.DeliveryUpdate update) implements Work {
    }

    private final EventStore store;
    private final Clock clock;
    private final Consumer<List<EventStore.Appended>> onCommitted;
    private final GroupCommit<Work, Object> commits;

    JournalWriter(EventStore store, Clock clock, Consumer<List<EventStore.Appended>> onCommitted) {
        this.store = store;
        this.clock = clock;
        this.onCommitted = onCommitted;
        this.commits = new GroupCommit<>("bus-journal", MAX_BATCH, this::flush);
    }

    void start() {
        commits.start();
    }

    CompletableFuture<EventStore.Appended> append(EventStore.Append append, boolean persist) {
        return commits.submit(new Append(append, persist)).thenApply(r -> (EventStore.Appended) r);
    }

    CompletableFuture<Void> update(EventStore.DeliveryUpdate update) {
        return commits.submit(new Update(update)).thenApply(r -> {
            if (r instanceof RuntimeException e) {
                throw e;
            }
            return null;
        });
    }

    int backlog() {
        return commits.backlog();
    }

    /** Writes one batch: appends in one transaction, then the delivery updates in another. */
    private List<Object> flush(List<Work> batch) {
        List<EventStore.Append> toStore = new ArrayList<>();
        List<EventStore.DeliveryUpdate> updates = new ArrayList<>();
        for (Work w : batch) {
            switch (w) {
                case Append a -> {
                    if (a.persist()) {
                        toStore.add(a.append());
                    }
                }
                case Update u -> updates.add(u.update());
            }
        }
        List<EventStore.Appended> stored = toStore.isEmpty() ? List.of() : store.append(toStore, clock.millis());
        List<Object> results = new ArrayList<>(batch.size());
        List<EventStore.Appended> committed = new ArrayList<>();
        int i = 0;
        for (Work w : batch) {
            if (w instanceof Append a) {
                EventStore.Appended r = a.persist() ? stored.get(i++) : EventStore.Appended.of(a.append());
                committed.add(r);
                results.add(r);
            } else {
                results.add(null);
            }
        }
        if (!committed.isEmpty()) {
            onCommitted.accept(committed);
        }
        if (!updates.isEmpty()) {
            try {
                store.update(updates);
            } catch (RuntimeException e) {
                // the appends of this batch are committed and answered; only the updates fail
                for (int k = 0; k < batch.size(); k++) {
                    if (batch.get(k) instanceof Update) {
                        results.set(k, e);
                    }
                }
            }
        }
        return results;
    }

    /** Writes what is queued, then stops the thread. */
    void stop() {
        commits.stop();
    }
}
