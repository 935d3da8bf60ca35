package dev.aman.bus;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.aman.json.Json;
import dev.aman.store.Dialect;
import dev.aman.store.Keyset;
import dev.aman.store.Page;
import dev.aman.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SQL of the event journal and store: events, their per-handler deliveries, dedup keys and the types seen.
 * Everything that must be atomic runs in one transaction per call; callers batch (group commit).
 */
public final class EventStore {
    private final Store store;

    public EventStore(Store store) {
        this.store = store;
    }

    /** One event to journal with the handlers it will be delivered to. */
    record Append(Event event, List<String> handlers, DeliveryStatus status, long dedupWindowMs, String consumesDlqId) {
    }

    /** The outcome of one append: stored (with its handlers), or a duplicate of an earlier event. */
    record Appended(Event event, List<String> handlers, DeliveryStatus status, String duplicateOf, boolean dlqGone) {
        static Appended of(Append a) {
            return new Appended(a.event(), a.handlers(), a.status(), null, false);
        }
    }

    /** Journals a batch in one transaction (group commit); exactly-once duplicates are not stored. */
    List<Appended> append(List<Append> batch, long nowMs) {
        return store.inTransaction("append events", c -> {
            List<Appended> out = new ArrayList<>();
            for (Append a : batch) {
                Event e = a.event();
                if (a.consumesDlqId() != null) {
                    // a DLQ retry: the copy exists only if this transaction removed the entry (API.md §11.3)
                    try (PreparedStatement del = c.prepareStatement("DELETE FROM dlq_entries WHERE id = ?")) {
                        del.setString(1, a.consumesDlqId());
                        if (del.executeUpdate() == 0) {
                            out.add(new Appended(e, a.handlers(), a.status(), null, true));
                            continue;
                        }
                    }
                } else if (e.delivery() == DeliveryMode.EXACTLY_ONCE && e.dedupKey() != null) {
                    String first = claimDedup(c, e.dedupKey(), e.id(), nowMs, a.dedupWindowMs());
                    if (first != null) {
                        out.add(new Appended(e, a.handlers(), a.status(), first, false));
                        continue;
                    }
                }
                insertEvent(c, e, a.status() == DeliveryStatus.PENDING && a.handlers().isEmpty()
                        ? DeliveryStatus.DELIVERED : a.status());
                insertDeliveries(c, e.id(), a.handlers(), a.status() == DeliveryStatus.DROPPED ? DeliveryStatus.DROPPED
                        : DeliveryStatus.PENDING);
                touchType(c, e.eventType(), e.timestampMs());
                out.add(Appended.of(a));
            }
            return out;
        });
    }

    /** Returns the id of the first event holding this key inside the window, or null after claiming it. */
    private String claimDedup(Connection c, String key, String eventId, long nowMs, long windowMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, expires_at_ms FROM dedup_keys WHERE dedup_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (rs.getLong(2) > nowMs) {
                        return rs.getString(1);
                    }
                    try (PreparedStatement del = c.prepareStatement("DELETE FROM dedup_keys WHERE dedup_key = ?")) {
                        del.setString(1, key);
                        del.executeUpdate();
                    }
                }
            }
        }
        try (PreparedStatement ins = c.prepareStatement(
                "INSERT INTO dedup_keys (dedup_key, event_id, expires_at_ms) VALUES (?, ?, ?)")) {
            ins.setString(1, key);
            ins.setString(2, eventId);
            ins.setLong(3, nowMs + windowMs);
            ins.executeUpdate();
        }
        return null;
    }

    private static void insertEvent(Connection c, Event e, DeliveryStatus status) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO events (id, source, event_type, timestamp_ms, priority, delivery, trace_id, parent_event_id,
                                    agent_id, status, envelope)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setString(1, e.id());
            ps.setString(2, e.source());
            ps.setString(3, e.eventType());
            ps.setLong(4, e.timestampMs());
            ps.setString(5, e.priority().wire());
            ps.setString(6, e.delivery().wire());
            ps.setString(7, e.metadata().traceId());
            ps.setString(8, e.metadata().parentEventId());
            ps.setString(9, e.metadata().agentId());
            ps.setString(10, status.wire());
            ps.setString(11, Json.write(e));
            ps.executeUpdate();
        }
    }

    private static void insertDeliveries(Connection c, String eventId, List<String> handlers, DeliveryStatus status)
            throws SQLException {
        if (handlers.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO deliveries (event_id, handler, status, attempts) VALUES (?, ?, ?, 0)")) {
            for (String h : handlers) {
                ps.setString(1, eventId);
                ps.setString(2, h);
                ps.setString(3, status.wire());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void touchType(Connection c, String type, long at) throws SQLException {
        Dialect d = store.dialect();
        try (PreparedStatement up = c.prepareStatement("UPDATE event_types_seen SET last_seen_at_ms = ? WHERE event_type = ?")) {
            up.setLong(1, at);
            up.setString(2, type);
            if (up.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement ins = c.prepareStatement(d.insertIgnore("event_types_seen", "event_type, last_seen_at_ms",
                "?, ?", "event_type"))) {
            ins.setString(1, type);
            ins.setLong(2, at);
            ins.executeUpdate();
        }
    }

    /** A change of one delivery; {@code dlq} is written in the same transaction when non-null. */
    record DeliveryUpdate(String eventId, String handler, DeliveryStatus status, int attempts, String lastError,
                          Long finishedAtMs, DlqWrite dlq) {
    }

    /** A DLQ entry to insert together with the dead-lettered delivery. */
    record DlqWrite(String id, Event event, String handler, String reason, String lastError, int attempts,
                    long enqueuedAtMs, long expiresAtMs) {
    }

    /** Applies delivery changes and re-derives the status of every touched event, in one transaction. */
    void update(List<DeliveryUpdate> updates) {
        store.inTransaction("update deliveries", c -> {
            Set<String> touched = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, finished_at_ms = ?, dlq_id = ?
                    WHERE event_id = ? AND handler = ?""")) {
                for (DeliveryUpdate u : updates) {
                    ps.setString(1, u.status().wire());
                    ps.setInt(2, u.attempts());
                    ps.setString(3, u.lastError());
                    if (u.finishedAtMs() == null) {
                        ps.setNull(4, java.sql.Types.BIGINT);
                    } else {
                        ps.setLong(4, u.finishedAtMs());
                    }
                    ps.setString(5, u.dlq() == null ? null : u.dlq().id());
                    ps.setString(6, u.eventId());
                    ps.setString(7, u.handler());
                    ps.addBatch();
                    touched.add(u.eventId());
                }
                ps.executeBatch();
            }
            for (DeliveryUpdate u : updates) {
                if (u.dlq() != null) {
                    insertDlq(c, u.dlq());
                }
            }
            for (String id : touched) {
                refreshStatus(c, id);
            }
            return null;
        });
    }

    static void insertDlq(Connection c, DlqWrite d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO dlq_entries (id, event_id, handler, reason, last_error, attempts, manual_retry_count, source,
                                         event_type, enqueued_at_ms, expires_at_ms, event)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setString(1, d.id());
            ps.setString(2, d.event().id());
            ps.setString(3, d.handler());
            ps.setString(4, d.reason());
            ps.setString(5, d.lastError());
            ps.setInt(6, d.attempts());
            ps.setInt(7, d.event().metadata().retryCount());
            ps.setString(8, d.event().source());
            ps.setString(9, d.event().eventType());
            ps.setLong(10, d.enqueuedAtMs());
            ps.setLong(11, d.expiresAtMs());
            ps.setString(12, Json.write(d.event()));
            ps.executeUpdate();
        }
    }

    private static void refreshStatus(Connection c, String eventId) throws SQLException {
        List<DeliveryStatus> statuses = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT status FROM deliveries WHERE event_id = ?")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    statuses.add(DeliveryStatus.parse(rs.getString(1)));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE events SET status = ? WHERE id = ? AND status <> 'dropped'")) {
            ps.setString(1, DeliveryStatus.eventStatus(statuses).wire());
            ps.setString(2, eventId);
            ps.executeUpdate();
        }
    }

    // ---- reads ----

    public EventRecord find(String id) {
        return store.read("find event", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT envelope, status FROM events WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    Event e = parse(rs.getString(1));
                    return new EventRecord(e, DeliveryStatus.parse(rs.getString(2)), deliveries(c, List.of(id)).get(id));
                }
            }
        });
    }

    /** Every stored event of a trace in admission order, with deliveries. */
    public List<EventRecord> trace(String traceId) {
        return store.read("read trace", c -> {
            List<EventRecord> out = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT envelope, status FROM events WHERE trace_id = ? ORDER BY timestamp_ms, id")) {
                ps.setString(1, traceId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Event e = parse(rs.getString(1));
                        out.add(new EventRecord(e, DeliveryStatus.parse(rs.getString(2)), null));
                        ids.add(e.id());
                    }
                }
            }
            Map<String, List<DeliveryRecord>> ds = deliveries(c, ids);
            return out.stream().map(r -> new EventRecord(r.event(), r.status(), ds.getOrDefault(r.event().id(), List.of())))
                    .toList();
        });
    }

    /** Filters of {@code /events/recent}; globs are already translated to SQL LIKE patterns by the caller. */
    public record RecentQuery(String typeLike, String sourceLike, String agentId, String status, Long sinceMs,
                              int limit, int offset, Keyset after) {
    }

    public Page<EventRecord> recent(RecentQuery q) {
        StringBuilder sql = new StringBuilder("SELECT envelope, status FROM events WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (q.typeLike() != null) {
            sql.append(" AND event_type LIKE ? ESCAPE '\\'");
            args.add(q.typeLike());
        }
        if (q.sourceLike() != null) {
            sql.append(" AND source LIKE ? ESCAPE '\\'");
            args.add(q.sourceLike());
        }
        if (q.agentId() != null) {
            sql.append(" AND agent_id = ?");
            args.add(q.agentId());
        }
        if (q.status() != null) {
            sql.append(" AND status = ?");
            args.add(q.status());
        }
        if (q.sinceMs() != null) {
            sql.append(" AND timestamp_ms >= ?");
            args.add(q.sinceMs());
        }
        if (q.after() != null) {
            sql.append(" AND (timestamp_ms < ? OR (timestamp_ms = ? AND id < ?))");
            args.add(q.after().time());
            args.add(q.after().time());
            args.add(q.after().id());
        }
        sql.append(" ORDER BY timestamp_ms DESC, id DESC LIMIT ? OFFSET ?");
        args.add(q.limit() + 1);
        args.add(q.offset());
        return store.read("recent events", c -> {
            List<EventRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                dev.aman.store.Sql.bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new EventRecord(parse(rs.getString(1)), DeliveryStatus.parse(rs.getString(2)), null));
                    }
                }
            }
            return Page.of(out, q.limit());
        });
    }

    /** Events stored after {@code afterId} in store order (SSE resume), at most {@code limit}. */
    public List<Event> after(String afterId, long afterTime, int limit) {
        return store.read("events after", c -> {
            List<Event> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT envelope FROM events WHERE status <> 'dropped' AND (timestamp_ms > ? OR (timestamp_ms = ? AND id > ?))
                    ORDER BY timestamp_ms, id LIMIT ?""")) {
                ps.setLong(1, afterTime);
                ps.setLong(2, afterTime);
                ps.setString(3, afterId);
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(parse(rs.getString(1)));
                    }
                }
            }
            return out;
        });
    }

    /** Open (pending or failed) deliveries of guaranteed events, grouped by event, oldest first. */
    Map<Event, List<DeliveryRecord>> openDeliveries() {
        return store.read("open deliveries", c -> {
            Map<String, Event> events = new LinkedHashMap<>();
            Map<String, List<DeliveryRecord>> byEvent = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT e.envelope, d.handler, d.status, d.attempts, d.last_error
                    FROM deliveries d JOIN events e ON e.id = d.event_id
                    WHERE d.status IN ('pending', 'failed') ORDER BY e.timestamp_ms, e.id, d.handler""")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Event e = parse(rs.getString(1));
                        events.putIfAbsent(e.id(), e);
                        byEvent.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(new DeliveryRecord(rs.getString(2),
                                DeliveryStatus.parse(rs.getString(3)), rs.getInt(4), rs.getString(5), null, null));
                    }
                }
            }
            Map<Event, List<DeliveryRecord>> out = new LinkedHashMap<>();
            events.forEach((id, e) -> out.put(e, byEvent.get(id)));
            return out;
        });
    }

    /** Marks open deliveries of at-most-once events as dropped (they are never replayed after a crash). */
    int dropOpenAtMostOnce() {
        return store.inTransaction("drop at-most-once deliveries", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE deliveries SET status = 'dropped' WHERE status IN ('pending', 'failed')
                    AND event_id IN (SELECT id FROM events WHERE delivery = 'at_most_once')""")) {
                return ps.executeUpdate();
            }
        });
    }

    /** Deletes the oldest events beyond {@code maxEvents}, never one with open deliveries. */
    public int evict(long maxEvents) {
        return store.inTransaction("evict events", c -> {
            long count;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM events"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                count = rs.getLong(1);
            }
            if (count <= maxEvents) {
                return 0;
            }
            List<String> victims = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id FROM events e WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id
                    AND d.status IN ('pending', 'failed')) ORDER BY timestamp_ms, id LIMIT ?""")) {
                ps.setLong(1, count - maxEvents);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        victims.add(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement dd = c.prepareStatement("DELETE FROM deliveries WHERE event_id = ?");
                 PreparedStatement de = c.prepareStatement("DELETE FROM events WHERE id = ?")) {
                for (String id : victims) {
                    dd.setString(1, id);
                    dd.addBatch();
                    de.setString(1, id);
                    de.addBatch();
                }
                dd.executeBatch();
                de.executeBatch();
            }
            return victims.size();
        });
    }

    public int purgeDedup(long nowMs) {
        return store.inTransaction("purge dedup keys", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dedup_keys WHERE expires_at_ms <= ?")) {
                ps.setLong(1, nowMs);
                return ps.executeUpdate();
            }
        });
    }

    /** Count and oldest timestamp of the store. */
    public record Stats(long events, Long oldestTimestampMs) {
    }

    public Stats stats() {
        return store.read("event store stats", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), MIN(timestamp_ms) FROM events");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                long n = rs.getLong(1);
                long min = rs.getLong(2);
                return new Stats(n, rs.wasNull() ? null : min);
            }
        });
    }

    /** Every type ever admitted with its last time. */
    public Map<String, Long> typesSeen() {
        return store.read("event types", c -> {
            Map<String, Long> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT event_type, last_seen_at_ms FROM event_types_seen");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    /** Whether an event id is (still) in the store, and its time. */
    public Long timestampOf(String id) {
        return store.read("event time", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT timestamp_ms FROM events WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
        });
    }

    private static Map<String, List<DeliveryRecord>> deliveries(Connection c, List<String> eventIds) throws SQLException {
        Map<String, List<DeliveryRecord>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT handler, status, attempts, last_error, finished_at_ms, dlq_id FROM deliveries
                WHERE event_id = ? ORDER BY handler""")) {
            for (String id : eventIds) {
                ps.setString(1, id);
                List<DeliveryRecord> list = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long fin = rs.getLong(5);
                        Long finished = rs.wasNull() ? null : fin;
                        list.add(new DeliveryRecord(rs.getString(1), DeliveryStatus.parse(rs.getString(2)), rs.getInt(3),
                                rs.getString(4), finished, rs.getString(6)));
                    }
                }
                out.put(id, list);
            }
        }
        return out;
    }

    static Event parse(String json) {
        try {
            return Json.mapper().readValue(json, Event.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored event is not valid JSON", e);
        }
    }
}
