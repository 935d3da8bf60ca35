package dev.aman.audit;

import dev.aman.store.GroupCommit;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * Group commit for audit records: each request waits until its record is durable, but records that
 * queued up meanwhile share one transaction. Thread-safe.
 */
final class AuditWriter {
    private final AuditStore store;
    private final GroupCommit<AuditRecord, Void> commits;

    AuditWriter(AuditStore store) {
        this.store = store;
        this.commits = new GroupCommit<>("audit-writer", 256, batch -> {
            store.append(batch);
            return Collections.nCopies(batch.size(), null);
        });
    }

    void start() {
        commits.start();
    }

    /** Returns once the record is committed. */
    void write(AuditRecord r) {
        if (!commits.running()) {
            store.append(List.of(r)); // not started, or stopping: write directly
            return;
        }
        try {
            commits.submit(r).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing an audit record", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /** Writes what is queued, then stops. */
    void stop() {
        commits.stop();
    }
}
