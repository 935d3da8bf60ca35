package dev.aman.notify;

import dev.aman.store.Keyset;
import dev.aman.store.Page;
import dev.aman.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SQL of the {@code notifications} table. */
final class NotificationStore {
    private static final String COLUMNS = "id, severity, category, title, message, created_at_ms, updated_at_ms, occurrences, "
            + "acked, acked_at_ms, acked_by, dismissed, dismissed_at_ms, action_label, action_route, event_id, source";
    private final Store store;

    NotificationStore(Store store) {
        this.store = store;
    }

    /** Inserts, or coalesces into the active one with the same category and title updated since {@code sinceMs}. */
    record Upsert(Notification notification, boolean created) {
    }

    Upsert createOrCoalesce(Notification n, boolean coalesce, long sinceMs) {
        return store.inTransaction("create notification", c -> {
            if (coalesce) {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + """
                         FROM notifications WHERE category = ? AND title = ? AND dismissed = 0 AND updated_at_ms >= ?
                        ORDER BY updated_at_ms DESC LIMIT 1""")) {
                    ps.setString(1, n.category());
                    ps.setString(2, n.title());
                    ps.setLong(3, sinceMs);
                    List<Notification> found = read(ps);
                    if (!found.isEmpty()) {
                        Notification old = found.get(0);
                        try (PreparedStatement up = c.prepareStatement(
                                "UPDATE notifications SET occurrences = occurrences + 1, updated_at_ms = ?, message = ? WHERE id = ?")) {
                            up.setLong(1, n.updatedAtMs());
                            up.setString(2, n.message());
                            up.setString(3, old.id());
                            up.executeUpdate();
                        }
                        return new Upsert(get(c, old.id()), false);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notifications (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, NULL, 0, NULL, ?, ?, ?, ?)")) {
                ps.setString(1, n.id());
                ps.setString(2, n.severity());
                ps.setString(3, n.category());
                ps.setString(4, n.title());
                ps.setString(5, n.message());
                ps.setLong(6, n.createdAtMs());
                ps.setLong(7, n.updatedAtMs());
                ps.setInt(8, 1);
                ps.setString(9, n.actionLabel());
                ps.setString(10, n.actionRoute());
                ps.setString(11, n.eventId());
                ps.setString(12, n.source());
                ps.executeUpdate();
            }
            return new Upsert(get(c, n.id()), true);
        });
    }

    Notification find(String id) {
        return store.read("find notification", c -> get(c, id));
    }

    /** The row after a conditional change, and whether this call changed it. */
    record Change(Notification notification, boolean changed) {
    }

    /**
     * Applies a conditional state change (its SQL ends with {@code WHERE id = ? AND <condition>}) in one
     * transaction; concurrent callers cannot both change the row.
     */
    Change change(String id, String sql, Object... args) {
        return store.inTransaction("change notification", c -> {
            int updated;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (Object a : args) {
                    dev.aman.store.Sql.set(ps, i++, a);
                }
                ps.setString(i, id);
                updated = ps.executeUpdate();
            }
            return new Change(get(c, id), updated == 1);
        });
    }

    record Filter(boolean activeOnly, boolean unreadOnly, String severity, String category) {
    }

    Page<Notification> list(Filter f, int limit, int offset, Keyset after) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM notifications WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (f.activeOnly() || f.unreadOnly()) {
            sql.append(" AND dismissed = 0");
        }
        if (f.unreadOnly()) {
            sql.append(" AND acked = 0");
        }
        if (f.severity() != null) {
            sql.append(" AND severity = ?");
            args.add(f.severity());
        }
        if (f.category() != null) {
            sql.append(" AND category = ?");
            args.add(f.category());
        }
        if (after != null) {
            sql.append(" AND (created_at_ms < ? OR (created_at_ms = ? AND id < ?))");
            args.add(after.time());
            args.add(after.time());
            args.add(after.id());
        }
        sql.append(" ORDER BY created_at_ms DESC, id DESC LIMIT ? OFFSET ?");
        args.add((long) limit + 1);
        args.add((long) offset);
        return store.read("list notifications", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                dev.aman.store.Sql.bind(ps, args);
                return Page.of(read(ps), limit);
            }
        });
    }

    /** Active counts by severity: unread (not acked) and all active. */
    record Counts(Map<String, Long> unread, Map<String, Long> active, String latestId) {
    }

    Counts counts() {
        return store.read("count notifications", c -> {
            Map<String, Long> unread = new LinkedHashMap<>();
            Map<String, Long> active = new LinkedHashMap<>();
            for (String s : List.of("info", "warning", "critical")) {
                unread.put(s, 0L);
                active.put(s, 0L);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT severity, acked, COUNT(*) FROM notifications WHERE dismissed = 0 GROUP BY severity, acked");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String sev = rs.getString(1);
                    long n = rs.getLong(3);
                    active.merge(sev, n, Long::sum);
                    if (rs.getInt(2) == 0) {
                        unread.merge(sev, n, Long::sum);
                    }
                }
            }
            String latest = null;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM notifications ORDER BY updated_at_ms DESC, id DESC LIMIT 1"); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    latest = rs.getString(1);
                }
            }
            return new Counts(unread, active, latest);
        });
    }

    int dismissAll(String severity, String category, long nowMs) {
        StringBuilder sql = new StringBuilder(
                "UPDATE notifications SET dismissed = 1, dismissed_at_ms = ? WHERE dismissed = 0 AND (severity <> 'critical' OR acked = 1)");
        List<Object> args = new ArrayList<>();
        args.add(nowMs);
        filterBy(sql, args, severity, category);
        return store.inTransaction("dismiss all notifications", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                dev.aman.store.Sql.bind(ps, args);
                return ps.executeUpdate();
            }
        });
    }

    /** Appends the optional severity and category conditions shared by dismiss-all and its count. */
    private static void filterBy(StringBuilder sql, List<Object> args, String severity, String category) {
        if (severity != null) {
            sql.append(" AND severity = ?");
            args.add(severity);
        }
        if (category != null) {
            sql.append(" AND category = ?");
            args.add(category);
        }
    }

    long countActive(String severity, String category) {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM notifications WHERE dismissed = 0");
        List<Object> args = new ArrayList<>();
        filterBy(sql, args, severity, category);
        return store.read("count active", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                dev.aman.store.Sql.bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Retention: drops notifications older than the cutoff, then the oldest (dismissed first) beyond max. */
    int purge(long cutoffMs, long max) {
        return store.inTransaction("purge notifications", c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM notifications WHERE updated_at_ms < ?")) {
                ps.setLong(1, cutoffMs);
                n = ps.executeUpdate();
            }
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM notifications"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
            if (total > max) {
                List<String> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id FROM notifications ORDER BY dismissed DESC, created_at_ms, id LIMIT ?")) {
                    ps.setLong(1, total - max);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getString(1));
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM notifications WHERE id = ?")) {
                    for (String id : ids) {
                        ps.setString(1, id);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                n += ids.size();
            }
            return n;
        });
    }

    private static Notification get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM notifications WHERE id = ?")) {
            ps.setString(1, id);
            List<Notification> r = read(ps);
            return r.isEmpty() ? null : r.get(0);
        }
    }

    private static List<Notification> read(PreparedStatement ps) throws SQLException {
        List<Notification> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String severity = rs.getString(2);
                boolean acked = rs.getInt(9) == 1;
                long ackedAt = rs.getLong(10);
                Long ackedAtMs = rs.wasNull() ? null : ackedAt;
                long dismissedAt = rs.getLong(13);
                Long dismissedAtMs = rs.wasNull() ? null : dismissedAt;
                out.add(new Notification(rs.getString(1), severity, rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getLong(7), rs.getInt(8), acked, ackedAtMs, rs.getString(11), rs.getInt(12) == 1,
                        dismissedAtMs, !severity.equals("critical") || acked, rs.getString(14), rs.getString(15),
                        rs.getString(16), rs.getString(17)));
            }
        }
        return out;
    }
}
