package dev.aman.audit;

import dev.aman.ids.UuidV7;
import dev.aman.store.Page;
import dev.aman.store.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and queries the audit log. Records are kept {@value #RETENTION_DAYS} days; {@link #purgeExpired}
 * is run daily by the daemon's housekeeping timer. Thread-safe.
 */
public final class AuditLog {
    public static final String SYSTEM = "system";
    static final int RETENTION_DAYS = 90;
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    private final AuditStore store;
    private final AuditWriter writer;
    private final UuidV7 ids;
    private final Clock clock;
    private final Map<String, Counter> written = new LinkedHashMap<>();

    private final java.util.function.UnaryOperator<String> redactor;

    /** @param redactor masks secret values in details (a client may echo a token into a request field) */
    public AuditLog(Store store, UuidV7 ids, Clock clock, MeterRegistry metrics,
                    java.util.function.UnaryOperator<String> redactor) {
        this.redactor = redactor;
        this.store = new AuditStore(store);
        this.writer = new AuditWriter(this.store);
        this.writer.start();
        this.ids = ids;
        this.clock = clock;
        for (String outcome : AuditOutcome.ALL) {
            written.put(outcome, Counter.builder("aman_audit_records").description("audit records written")
                    .tag("outcome", outcome).register(metrics));
        }
    }

    /** Appends one record and returns it. */
    public AuditRecord write(String operator, String action, String target, String outcome, String detail,
                             String requestId) {
        AuditRecord r = new AuditRecord(ids.next(), clock.millis(), redactor.apply(operator), action, redactor.apply(target),
                outcome, redactor.apply(detail == null ? "" : detail), requestId);
        writer.write(r);
        Counter c = written.get(outcome);
        if (c != null) {
            c.increment();
        }
        log.atDebug().addKeyValue("action", action).addKeyValue("target", target).addKeyValue("outcome", outcome)
                .log("audit");
        return r;
    }

    /** A record written by aman itself (watchers, timers, signals). */
    public AuditRecord system(String action, String target, String outcome, String detail) {
        return write(SYSTEM, action, target, outcome, detail, null);
    }

    public Page<AuditRecord> query(AuditQuery query) {
        return store.query(query);
    }

    /** Flushes queued records and stops the writer thread (before the store closes). */
    public void close() {
        writer.stop();
    }

    public int purgeExpired() {
        int n = store.purgeOlderThan(clock.millis() - Duration.ofDays(RETENTION_DAYS).toMillis());
        if (n > 0) {
            log.atInfo().addKeyValue("count", n).log("purged expired audit records");
        }
        return n;
    }
}
