package dev.aman.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one writer thread takes every item that queued up (at most {@code maxBatch}) and hands
 * them to {@code writeBatch} at once, so concurrent writers share one transaction (one fsync) instead of
 * paying one each. {@code writeBatch} returns one result per item, in order; each submitter's future
 * completes with its own result, or fails with the batch's exception.
 *
 * <p>Owns its thread: {@link #start()} / {@link #stop()} (which writes what is queued first). Thread-safe
 * for submitters.
 */
public final class GroupCommit<T, R> {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    private record Pending<T, R>(T item, CompletableFuture<R> done) {
    }

    private final String name;
    private final int maxBatch;
    private final Function<List<T>, List<R>> writeBatch;
    private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private Thread thread;

    public GroupCommit(String name, int maxBatch, Function<List<T>, List<R>> writeBatch) {
        this.name = name;
        this.maxBatch = maxBatch;
        this.writeBatch = writeBatch;
    }

    public void start() {
        running = true;
        thread = Thread.ofPlatform().name(name).daemon().start(this::loop);
    }

    public boolean running() {
        return running;
    }

    public CompletableFuture<R> submit(T item) {
        CompletableFuture<R> f = new CompletableFuture<>();
        queue.add(new Pending<>(item, f));
        return f;
    }

    /** Items waiting for their batch. */
    public int backlog() {
        return queue.size();
    }

    private void loop() {
        List<Pending<T, R>> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending<T, R> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                List<R> results = writeBatch.apply(batch.stream().map(Pending::item).toList());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done().complete(results.get(i));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.atError().addKeyValue("writer", name).setCause(e).log("group commit batch failed");
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    /** Writes what is queued, then stops the thread. */
    public void stop() {
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
