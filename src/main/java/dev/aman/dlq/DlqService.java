package dev.aman.dlq;

import dev.aman.AmanException;
import dev.aman.bus.EventBus;
import dev.aman.bus.EventDraft;
import dev.aman.bus.Admission;
import dev.aman.config.AmanConfig;
import dev.aman.store.Keyset;
import dev.aman.store.Page;
import dev.aman.store.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** DLQ operations of API.md §11. Thread-safe; atomicity comes from the database. */
public final class DlqService {
    private final DlqStore store;
    private final EventBus bus;
    private final Supplier<AmanConfig> config;
    private final Clock clock;
    private final Counter retries;
    private final Counter discards;
    private final Counter expired;
    private final AtomicLong depthCache = new AtomicLong();

    /** The entry exists but cannot be retried now. */
    public static final class RetryRefused extends AmanException {
        private final boolean limit;

        RetryRefused(String message, boolean limit) {
            super(message);
            this.limit = limit;
        }

        /** true: manual retry limit (422); false: handler unavailable (409). */
        public boolean limitReached() {
            return limit;
        }
    }

    /** No such entry (or it was retried, discarded or expired meanwhile). */
    public static final class EntryNotFound extends AmanException {
        public EntryNotFound(String id) {
            super("not found: dlq entry " + id);
        }
    }

    public DlqService(Store store, EventBus bus, Supplier<AmanConfig> config, Clock clock, MeterRegistry metrics) {
        this.store = new DlqStore(store);
        this.bus = bus;
        this.config = config;
        this.clock = clock;
        this.retries = metrics.counter("aman_dlq_retries");
        this.discards = metrics.counter("aman_dlq_discards");
        this.expired = metrics.counter("aman_dlq_expired");
        refreshDepth();
    }

    public record Filter(String reason, String source, String eventType, String handler) {
    }

    public Page<DlqEntry> list(Filter f, int limit, int offset, Keyset after) {
        return store.list(new DlqStore.Filter(f.reason(), f.source(), f.eventType(), f.handler()), limit, offset, after);
    }

    public record Depth(long depth, Long oldestEnqueuedAtMs) {
    }

    public Depth depth() {
        DlqStore.Depth d = store.depth();
        depthCache.set(d.depth());
        return new Depth(d.depth(), d.oldestEnqueuedAtMs());
    }

    /** The depth as of the last change (for the {@code aman_dlq_depth} gauge; no query per scrape). */
    public long cachedDepth() {
        return depthCache.get();
    }

    public void refreshDepth() {
        depthCache.set(store.depth().depth());
    }

    public record Retried(String dlqId, String newEventId, String traceId, String handler, int retryCount) {
    }

    /**
     * Publishes a copy of the dead-lettered event for the entry's handler only and removes the entry in the
     * same journal transaction; concurrent retries yield one copy, the others {@link EntryNotFound}.
     */
    public Retried retry(String id) {
        DlqEntry e = store.find(id);
        if (e == null) {
            throw new EntryNotFound(id);
        }
        if (!bus.hasHandler(e.handler())) {
            throw new RetryRefused("invalid state transition: handler " + e.handler() + " is not available", false);
        }
        int max = config.get().intValue("dlq.max_manual_retries");
        if (e.manualRetryCount() >= max) {
            throw new RetryRefused("unrecoverable: manual retry limit reached (" + max + ")", true);
        }
        var ev = e.event();
        var m = ev.metadata();
        EventDraft copy = new EventDraft(ev.source(), ev.eventType(), ev.payload(), ev.priority(), ev.delivery(), null,
                m.traceId(), ev.id(), m.ttlMs(), m.agentId(), m.workflowInstanceId(), m.trust(), m.retryCount() + 1,
                m.chainDepth(), e.handler(), e.id());
        Admission a;
        try {
            a = bus.publish(copy, EventBus.Origin.EXTERNAL);
        } catch (EventBus.DlqEntryGone gone) {
            throw new EntryNotFound(id);
        }
        retries.increment();
        refreshDepth();
        return new Retried(id, a.event().id(), a.event().metadata().traceId(), e.handler(), m.retryCount() + 1);
    }

    public DlqEntry discard(String id) {
        DlqEntry e = store.remove(id);
        if (e == null) {
            throw new EntryNotFound(id);
        }
        discards.increment();
        refreshDepth();
        return e;
    }

    /** Purges expired entries; returns how many. */
    public int purgeExpired() {
        int n = store.purgeExpired(clock.millis());
        if (n > 0) {
            expired.increment(n);
            refreshDepth();
        }
        return n;
    }

    /** Enforces {@code dlq.max_entries}; returns how many oldest entries were purged. */
    public int enforceCapacity() {
        int n = store.trimTo(config.get().longValue("dlq.max_entries"));
        if (n > 0) {
            expired.increment(n);
        }
        refreshDepth();
        return n;
    }
}
