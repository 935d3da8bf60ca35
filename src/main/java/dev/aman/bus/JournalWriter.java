package dev.aman.bus;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one writer thread takes every pending append and delivery update that has queued up and
 * writes them in one transaction, so durability costs one fsync per batch, not per event. Appends are
 * handed to {@code onCommitted} in commit order (that order is the admission order seen by handlers and
 * SSE), then their futures complete.
 *
 * <p>Owner of the thread: {@link #start()} / {@link #stop()}. Thread-safe for submitters.
 */
final class JournalWriter {
    private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);
    private static final int MAX_BATCH = 512;

    private final EventStore store;
    private final Clock clock;
    private final Consumer<List<EventStore.Appended>> onCommitted;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private Thread thread;

    /** An append waiting for its batch. {@code store == false} for transient events (never stored). */
    record PendingAppend(EventStore.Append append, boolean store, CompletableFuture<EventStore.Appended> done) {
    }

    /** A delivery update waiting for its batch. */
    record PendingUpdate(EventStore.DeliveryUpdate update, CompletableFuture<Void> done) {
    }

    JournalWriter(EventStore store, Clock clock, Consumer<List<EventStore.Appended>> onCommitted) {
        this.store = store;
        this.clock = clock;
        this.onCommitted = onCommitted;
    }

    void start() {
        running = true;
        thread = Thread.ofPlatform().name("bus-journal").daemon().start(this::loop);
    }

    CompletableFuture<EventStore.Appended> append(EventStore.Append append, boolean persist) {
        CompletableFuture<EventStore.Appended> f = new CompletableFuture<>();
        queue.add(new PendingAppend(append, persist, f));
        return f;
    }

    CompletableFuture<Void> update(EventStore.DeliveryUpdate update) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        queue.add(new PendingUpdate(update, f));
        return f;
    }

    int backlog() {
        return queue.size();
    }

    private void loop() {
        List<Object> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Object first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                flush(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.atError().setCause(e).log("journal batch failed");
                for (Object o : batch) {
                    fail(o, e);
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void flush(List<Object> batch) {
        List<PendingAppend> appends = new ArrayList<>();
        List<PendingUpdate> updates = new ArrayList<>();
        for (Object o : batch) {
            if (o instanceof PendingAppend a) {
                appends.add(a);
            } else {
                updates.add((PendingUpdate) o);
            }
        }
        if (!appends.isEmpty()) {
            List<EventStore.Append> toStore = new ArrayList<>();
            for (PendingAppend a : appends) {
                if (a.store()) {
                    toStore.add(a.append());
                }
            }
            List<EventStore.Appended> stored = toStore.isEmpty() ? List.of() : store.append(toStore, clock.millis());
            List<EventStore.Appended> all = new ArrayList<>();
            int i = 0;
            for (PendingAppend a : appends) {
                all.add(a.store() ? stored.get(i++) : EventStore.Appended.of(a.append()));
            }
            onCommitted.accept(all);
            for (int k = 0; k < appends.size(); k++) {
                appends.get(k).done().complete(all.get(k));
            }
        }
        if (!updates.isEmpty()) {
            store.update(updates.stream().map(PendingUpdate::update).toList());
            updates.forEach(u -> u.done().complete(null));
        }
    }

    private static void fail(Object o, Exception e) {
        if (o instanceof PendingAppend a) {
            a.done().completeExceptionally(e);
        } else if (o instanceof PendingUpdate u) {
            u.done().completeExceptionally(e);
        }
    }

    /** Writes what is queued, then stops the thread. */
    void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
