package dev.aman.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.aman.config.StorageConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * JDBC implementation of {@link Store} for both engines.
 *
 * <p>SQLite allows one writer at a time, so every write transaction takes {@link #writeLock} and uses
 * the single writer connection; readers use the pool concurrently (WAL mode). PostgreSQL writes and
 * reads both use the pool, and correctness across nodes never relies on this in-process lock: stored
 * state is guarded by the database's own transactions.
 */
final class JdbcStore implements Store {
    private final Dialect dialect;
    private final HikariDataSource pool;
    private final HikariDataSource writer;
    private final ReentrantLock writeLock = new ReentrantLock();

    private JdbcStore(Dialect dialect, HikariDataSource pool, HikariDataSource writer) {
        this.dialect = dialect;
        this.pool = pool;
        this.writer = writer;
    }

    static JdbcStore open(StorageConfig config) {
        if (config.backend() == StorageConfig.Backend.SQLITE) {
            HikariDataSource writer = sqlitePool(config, 1, "aman-sqlite-writer", false);
            restrictFiles(config.jdbcUrl().substring("jdbc:sqlite:".length()));
            HikariDataSource readers = sqlitePool(config, Math.max(2, Math.min(config.poolSize(), 8)), "aman-sqlite-read", true);
            return new JdbcStore(Dialect.SQLITE, readers, writer);
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.jdbcUrl());
        if (!config.username().isEmpty()) {
            hc.setUsername(config.username());
        }
        if (!config.password().isEmpty()) {
            hc.setPassword(config.password());
        }
        hc.setMaximumPoolSize(config.poolSize());
        hc.setPoolName("aman-pg");
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(10_000);
        try {
            HikariDataSource ds = new HikariDataSource(hc);
            return new JdbcStore(Dialect.POSTGRESQL, ds, null);
        } catch (RuntimeException e) {
            throw new StoreException("open PostgreSQL", e);
        }
    }

    /** FORMATS §1.2: the database file (and its WAL companions) is readable by the owner only (0600). */
    private static void restrictFiles(String path) {
        int q = path.indexOf('?');
        String file = q >= 0 ? path.substring(0, q) : path;
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            java.nio.file.Path p = java.nio.file.Path.of(file + suffix);
            try {
                if (java.nio.file.Files.exists(p)) {
                    java.nio.file.Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                }
            } catch (java.io.IOException | UnsupportedOperationException | java.nio.file.InvalidPathException e) {
                // not a POSIX file system or an in-memory database: nothing to restrict
            }
        }
    }

    private static HikariDataSource sqlitePool(StorageConfig config, int size, String name, boolean readOnly) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.jdbcUrl());
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setPoolName(name);
        // WAL: readers never block the writer; FULL sync: a committed transaction survives power loss.
        hc.addDataSourceProperty("journal_mode", "WAL");
        hc.addDataSourceProperty("synchronous", "FULL");
        hc.addDataSourceProperty("busy_timeout", "10000");
        hc.addDataSourceProperty("foreign_keys", "true");
        // event types and sources are case-sensitive (API.md §1.11); SQLite's LIKE is not by default
        hc.addDataSourceProperty("case_sensitive_like", "true");
        hc.setConnectionInitSql("PRAGMA busy_timeout=10000");
        try {
            HikariDataSource ds = new HikariDataSource(hc);
            if (!readOnly) {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.execute("PRAGMA journal_mode=WAL");
                }
            }
            return ds;
        } catch (RuntimeException | SQLException e) {
            throw new StoreException("open SQLite " + config.jdbcUrl().substring("jdbc:sqlite:".length()), e);
        }
    }

    DataSource dataSource() {
        return writer != null ? writer : pool;
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    @Override
    public <T> T inTransaction(String operation, SqlWork<T> work) {
        if (writer != null) {
            writeLock.lock();
            try {
                return runTx(writer, operation, work);
            } finally {
                writeLock.unlock();
            }
        }
        return runTx(pool, operation, work);
    }

    private static <T> T runTx(DataSource ds, String operation, SqlWork<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(operation, e);
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public <T> T read(String operation, SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(operation, e);
        }
    }

    @Override
    public void checkpoint() {
        if (writer == null) {
            return;
        }
        writeLock.lock();
        try (Connection c = writer.getConnection(); Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            throw new StoreException("checkpoint", e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        pool.close();
        if (writer != null) {
            writer.close();
        }
    }
}
