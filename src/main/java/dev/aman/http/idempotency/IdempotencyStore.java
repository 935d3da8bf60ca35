package dev.aman.http.idempotency;

import dev.aman.store.Dialect;
import dev.aman.store.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Durable {@code Idempotency-Key} records (API.md §1.13), scoped by (method, exact path, key).
 *
 * <p>Design: {@link #begin} inserts a {@code running} row in one transaction (the primary key makes two
 * concurrent first requests race safely: exactly one insert wins, the other sees the row). A 2xx answer is
 * stored by {@link #complete}; any other answer deletes the row ({@link #abandon}) so a repeat executes
 * normally. Rows past their expiry are treated as absent. Rows still {@code running} from a previous run of
 * this node are cleared at start ({@link #clearRunning}).
 */
public final class IdempotencyStore {
    private final Store store;
    private final String nodeId;

    public IdempotencyStore(Store store, String nodeId) {
        this.store = store;
        this.nodeId = nodeId;
    }

    /** What a new request with a key should do. */
    public sealed interface Begin permits Execute, Replay, InProgress, Reused {
    }

    public record Execute() implements Begin {
    }

    public record Replay(int status, String body) implements Begin {
    }

    public record InProgress() implements Begin {
    }

    public record Reused() implements Begin {
    }

    public Begin begin(String method, String path, String key, String fingerprint, long nowMs, long ttlMs) {
        return store.inTransaction("begin idempotent request", c -> {
            try (PreparedStatement del = c.prepareStatement(
                    "DELETE FROM idempotency_keys WHERE method = ? AND path = ? AND idem_key = ? AND expires_at_ms <= ?")) {
                del.setString(1, method);
                del.setString(2, path);
                del.setString(3, key);
                del.setLong(4, nowMs);
                del.executeUpdate();
            }
            Dialect d = store.dialect();
            try (PreparedStatement ins = c.prepareStatement(d.insertIgnore("idempotency_keys",
                    "method, path, idem_key, fingerprint, state, node_id, created_at_ms, expires_at_ms",
                    "?, ?, ?, ?, 'running', ?, ?, ?", "method, path, idem_key"))) {
                ins.setString(1, method);
                ins.setString(2, path);
                ins.setString(3, key);
                ins.setString(4, fingerprint);
                ins.setString(5, nodeId);
                ins.setLong(6, nowMs);
                ins.setLong(7, nowMs + ttlMs);
                if (ins.executeUpdate() == 1) {
                    return new Execute();
                }
            }
            try (PreparedStatement sel = c.prepareStatement(
                    "SELECT fingerprint, state, status, body FROM idempotency_keys WHERE method = ? AND path = ? AND idem_key = ?")) {
                sel.setString(1, method);
                sel.setString(2, path);
                sel.setString(3, key);
                try (ResultSet rs = sel.executeQuery()) {
                    if (!rs.next()) {
                        return new Execute(); // deleted concurrently: nothing to protect
                    }
                    if (!rs.getString(1).equals(fingerprint)) {
                        return new Reused();
                    }
                    if (rs.getString(2).equals("running")) {
                        return new InProgress();
                    }
                    return new Replay(rs.getInt(3), rs.getString(4));
                }
            }
        });
    }

    public void complete(String method, String path, String key, int status, String body) {
        store.inTransaction("complete idempotent request", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE idempotency_keys SET state = 'done', status = ?, body = ? WHERE method = ? AND path = ? AND idem_key = ?")) {
                ps.setInt(1, status);
                ps.setString(2, body);
                ps.setString(3, method);
                ps.setString(4, path);
                ps.setString(5, key);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public void abandon(String method, String path, String key) {
        store.inTransaction("abandon idempotent request", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM idempotency_keys WHERE method = ? AND path = ? AND idem_key = ? AND state = 'running'")) {
                ps.setString(1, method);
                ps.setString(2, path);
                ps.setString(3, key);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Requests of this node that were running when it stopped will never finish: forget them. */
    public int clearRunning() {
        return store.inTransaction("clear running idempotent requests", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM idempotency_keys WHERE state = 'running' AND node_id = ?")) {
                ps.setString(1, nodeId);
                return ps.executeUpdate();
            }
        });
    }

    public int purgeExpired(long nowMs) {
        return store.inTransaction("purge idempotency keys", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM idempotency_keys WHERE expires_at_ms <= ?")) {
                ps.setLong(1, nowMs);
                return ps.executeUpdate();
            }
        });
    }

    public long count(long nowMs) {
        return store.read("count idempotency keys", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM idempotency_keys WHERE expires_at_ms > ?")) {
                ps.setLong(1, nowMs);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
