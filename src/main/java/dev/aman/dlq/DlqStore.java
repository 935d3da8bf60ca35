package dev.aman.dlq;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.aman.bus.Event;
import dev.aman.json.Json;
import dev.aman.store.Keyset;
import dev.aman.store.Page;
import dev.aman.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** SQL of {@code dlq_entries} reads and removals (entries are written by the bus with their delivery). */
final class DlqStore {
    private static final String COLUMNS =
            "id, event, reason, last_error, handler, attempts, manual_retry_count, enqueued_at_ms, expires_at_ms";
    private final Store store;

    DlqStore(Store store) {
        this.store = store;
    }

    record Filter(String reason, String source, String eventType, String handler) {
    }

    Page<DlqEntry> list(Filter f, int limit, int offset, Keyset after) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM dlq_entries WHERE 1=1");
        List<Object> args = new ArrayList<>();
        eq(sql, args, "reason", f.reason());
        eq(sql, args, "source", f.source());
        eq(sql, args, "event_type", f.eventType());
        eq(sql, args, "handler", f.handler());
        if (after != null) {
            sql.append(" AND (enqueued_at_ms > ? OR (enqueued_at_ms = ? AND id > ?))");
            args.add(after.time());
            args.add(after.time());
            args.add(after.id());
        }
        sql.append(" ORDER BY enqueued_at_ms, id LIMIT ? OFFSET ?");
        args.add((long) limit + 1);
        args.add((long) offset);
        return store.read("list dlq", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                dev.aman.store.Sql.bind(ps, args);
                return Page.of(read(ps), limit);
            }
        });
    }

    private static void eq(StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    DlqEntry find(String id) {
        return store.read("find dlq entry", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dlq_entries WHERE id = ?")) {
                ps.setString(1, id);
                List<DlqEntry> r = read(ps);
                return r.isEmpty() ? null : r.get(0);
            }
        });
    }

    /** Removes and returns the entry, or null when it is gone already. */
    DlqEntry remove(String id) {
        return store.inTransaction("discard dlq entry", c -> {
            DlqEntry e;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dlq_entries WHERE id = ?")) {
                ps.setString(1, id);
                List<DlqEntry> r = read(ps);
                e = r.isEmpty() ? null : r.get(0);
            }
            if (e == null) {
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dlq_entries WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() == 1 ? e : null;
            }
        });
    }

    record Depth(long depth, Long oldestEnqueuedAtMs) {
    }

    Depth depth() {
        return store.read("dlq depth", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), MIN(enqueued_at_ms) FROM dlq_entries");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                long n = rs.getLong(1);
                long min = rs.getLong(2);
                return new Depth(n, rs.wasNull() ? null : min);
            }
        });
    }

    int purgeExpired(long nowMs) {
        return store.inTransaction("purge expired dlq entries", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dlq_entries WHERE expires_at_ms <= ?")) {
                ps.setLong(1, nowMs);
                return ps.executeUpdate();
            }
        });
    }

    /** Deletes the oldest entries beyond {@code max}; returns how many. */
    int trimTo(long max) {
        return store.inTransaction("trim dlq", c -> {
            long n;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM dlq_entries"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                n = rs.getLong(1);
            }
            if (n <= max) {
                return 0;
            }
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM dlq_entries ORDER BY enqueued_at_ms, id LIMIT ?")) {
                ps.setLong(1, n - max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dlq_entries WHERE id = ?")) {
                for (String id : ids) {
                    ps.setString(1, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return ids.size();
        });
    }

    private static List<DlqEntry> read(PreparedStatement ps) throws SQLException {
        List<DlqEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Event e;
                try {
                    e = Json.mapper().readValue(rs.getString(2), Event.class);
                } catch (JsonProcessingException ex) {
                    throw new SQLException("stored DLQ event is not valid JSON", ex);
                }
                out.add(new DlqEntry(rs.getString(1), e, rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                        rs.getInt(7), rs.getLong(8), rs.getLong(9)));
            }
        }
        return out;
    }
}
