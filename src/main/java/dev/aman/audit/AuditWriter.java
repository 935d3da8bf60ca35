package dev.aman.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for audit records: concurrent requests each wait until their record is durable, but the
 * records that queued up meanwhile share one transaction (one fsync). Owns its thread:
 * {@link #start()} / {@link #stop()}. Thread-safe for submitters.
 */
final class AuditWriter {
    private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
    private static final int MAX_BATCH = 256;

    private record Pending(AuditRecord record, CompletableFuture<Void> done) {
    }

    private final AuditStore store;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private Thread thread;

    AuditWriter(AuditStore store) {
        this.store = store;
    }

    void start() {
        running = true;
        thread = Thread.ofPlatform().name("audit-writer").daemon().start(this::loop);
    }

    /** Returns once the record is committed. */
    void write(AuditRecord r) {
        if (!running) {
            store.append(List.of(r)); // not started, or stopping: write directly
            return;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        queue.add(new Pending(r, f));
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing an audit record", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                store.append(batch.stream().map(Pending::record).toList());
                batch.forEach(p -> p.done().complete(null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.atError().setCause(e).log("audit batch failed");
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    /** Writes what is queued, then stops. */
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
