package dev.aman.audit;

import dev.aman.store.Page;
import dev.aman.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** SQL for the {@code audit_log} table; portable across both engines. */
final class AuditStore {
    private final Store store;

    AuditStore(Store store) {
        this.store = store;
    }

    /** Appends a batch in one transaction (group commit). */
    void append(List<AuditRecord> batch) {
        store.inTransaction("append audit records", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO audit_log (id, timestamp_ms, operator, action, target, outcome, detail, request_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (AuditRecord r : batch) {
                    ps.setString(1, r.id());
                    ps.setLong(2, r.timestampMs());
                    ps.setString(3, r.operator());
                    ps.setString(4, r.action());
                    ps.setString(5, r.target());
                    ps.setString(6, r.outcome());
                    ps.setString(7, r.detail());
                    ps.setString(8, r.requestId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    Page<AuditRecord> query(AuditQuery q) {
        StringBuilder sql = new StringBuilder(
                "SELECT id, timestamp_ms, operator, action, target, outcome, detail, request_id FROM audit_log WHERE 1=1");
        List<Object> args = new ArrayList<>();
        likeOrEquals(sql, args, "action", q.action());
        likeOrEquals(sql, args, "target", q.target());
        if (q.operator() != null) {
            sql.append(" AND LOWER(operator) = ?");
            args.add(q.operator().toLowerCase(Locale.ROOT));
        }
        if (q.outcome() != null) {
            sql.append(" AND outcome = ?");
            args.add(q.outcome());
        }
        if (q.sinceMs() != null) {
            sql.append(" AND timestamp_ms >= ?");
            args.add(q.sinceMs());
        }
        if (q.untilMs() != null) {
            sql.append(" AND timestamp_ms <= ?");
            args.add(q.untilMs());
        }
        String cmp = q.ascending() ? ">" : "<";
        if (q.after() != null) {
            sql.append(" AND (timestamp_ms ").append(cmp).append(" ? OR (timestamp_ms = ? AND id ").append(cmp).append(" ?))");
            args.add(q.after().time());
            args.add(q.after().time());
            args.add(q.after().id());
        }
        String dir = q.ascending() ? "ASC" : "DESC";
        sql.append(" ORDER BY timestamp_ms ").append(dir).append(", id ").append(dir).append(" LIMIT ? OFFSET ?");
        args.add(q.limit() + 1);
        args.add(q.offset());
        return store.read("query audit log", c -> Page.of(run(c, sql.toString(), args), q.limit()));
    }

    int purgeOlderThan(long cutoffMs) {
        return store.inTransaction("purge audit log", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_log WHERE timestamp_ms < ?")) {
                ps.setLong(1, cutoffMs);
                return ps.executeUpdate();
            }
        });
    }

    private static void likeOrEquals(StringBuilder sql, List<Object> args, String column, String value) {
        if (value == null) {
            return;
        }
        if (value.endsWith("*")) {
            // prefix match without LIKE wildcards: compare the leading substring exactly
            String prefix = value.substring(0, value.length() - 1);
            sql.append(" AND SUBSTR(").append(column).append(", 1, ?) = ?");
            args.add(prefix.length());
            args.add(prefix);
        } else {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    private static List<AuditRecord> run(Connection c, String sql, List<Object> args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            dev.aman.store.Sql.bind(ps, args);
            List<AuditRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditRecord(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)));
                }
            }
            return out;
        }
    }
}
