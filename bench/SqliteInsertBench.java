// Reference point for bench/events-bench.sh: how fast this machine commits durable SQLite inserts, with
// the settings aman uses (WAL, synchronous=FULL) and a table shaped like aman's `events` (same columns,
// primary key and two indexes, a ~450-byte JSON envelope per row). Single-file program, not part of the
// build; it uses the sqlite-jdbc driver inside the aman jar:
//
//   java -cp target/aman-all.jar bench/SqliteInsertBench.java DB_FILE SECONDS BATCH...
//
// For each BATCH (rows per transaction) it inserts for SECONDS seconds into a fresh table, one thread,
// one connection, and prints:
//
//   sqlite batch=B rows=.. txns=.. rows_per_s=.. txn_p50_ms=.. txn_p99_ms=..
//
// (txn_* is the time of one whole transaction: BEGIN, B inserts, COMMIT with its fsync).

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

public final class SqliteInsertBench {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java -cp aman-all.jar bench/SqliteInsertBench.java DB_FILE SECONDS BATCH...");
            System.exit(2);
        }
        String url = "jdbc:sqlite:" + args[0];
        int seconds = Integer.parseInt(args[1]);
        String pad = "x".repeat(300);
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            if (!pragma(st, "journal_mode=WAL").equalsIgnoreCase("wal")) {
                throw new IllegalStateException("journal_mode WAL refused");
            }
            st.execute("PRAGMA synchronous=FULL");
            if (!pragma(st, "synchronous").equals("2")) {
                throw new IllegalStateException("synchronous is not FULL (2)");
            }
            for (int i = 2; i < args.length; i++) {
                int batch = Integer.parseInt(args[i]);
                st.execute("DROP TABLE IF EXISTS events");
                st.execute("""
                        CREATE TABLE events (id VARCHAR(36) NOT NULL PRIMARY KEY, source VARCHAR(128) NOT NULL,
                            event_type VARCHAR(128) NOT NULL, timestamp_ms BIGINT NOT NULL, priority VARCHAR(8) NOT NULL,
                            delivery VARCHAR(16) NOT NULL, trace_id VARCHAR(64) NOT NULL, parent_event_id VARCHAR(64),
                            agent_id VARCHAR(64), status VARCHAR(16) NOT NULL, envelope TEXT NOT NULL)""");
                st.execute("CREATE INDEX events_trace ON events (trace_id, id)");
                st.execute("CREATE INDEX events_time ON events (timestamp_ms, id)");
                pragma(st, "wal_checkpoint(TRUNCATE)");
                run(c, batch, seconds, pad);
            }
        }
    }

    private static void run(Connection c, int batch, int seconds, String pad) throws Exception {
        long[] txnNanos = new long[1 << 16];
        int txns = 0;
        long rows = 0;
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO events (id, source, event_type, timestamp_ms, priority, delivery, trace_id, parent_event_id,
                                    agent_id, status, envelope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                for (int r = 0; r < batch; r++) {
                    String id = UUID.randomUUID().toString();
                    long now = System.currentTimeMillis();
                    ps.setString(1, id);
                    ps.setString(2, "bench");
                    ps.setString(3, "bench.push");
                    ps.setLong(4, now);
                    ps.setString(5, "normal");
                    ps.setString(6, "at_least_once");
                    ps.setString(7, id);
                    ps.setString(8, null);
                    ps.setString(9, null);
                    ps.setString(10, "delivered");
                    ps.setString(11, "{\"id\":\"" + id + "\",\"source\":\"bench\",\"event_type\":\"bench.push\",\"timestamp_ms\":"
                            + now + ",\"payload\":{\"pad\":\"" + pad + "\"}}");
                    ps.executeUpdate();
                }
                c.commit();
                if (txns == txnNanos.length) {
                    txnNanos = Arrays.copyOf(txnNanos, txns * 2);
                }
                txnNanos[txns++] = System.nanoTime() - t0;
                rows += batch;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long[] sorted = Arrays.copyOf(txnNanos, txns);
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "sqlite batch=%d rows=%d txns=%d rows_per_s=%.0f txn_p50_ms=%.2f txn_p99_ms=%.2f%n",
                    batch, rows, txns, rows / elapsed, pct(sorted, 50), pct(sorted, 99));
            System.out.flush();
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Runs a PRAGMA that answers a row and closes its result (an open result would block COMMIT). */
    private static String pragma(Statement st, String pragma) throws Exception {
        try (ResultSet rs = st.executeQuery("PRAGMA " + pragma)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
