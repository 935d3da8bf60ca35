package dev.aman.store;

import dev.aman.config.StorageConfig;

/**
 * The database. Writes run in explicit transactions; reads may run concurrently with them. Implementations
 * are thread-safe.
 */
public interface Store extends AutoCloseable {

    Dialect dialect();

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T inTransaction(String operation, SqlWork<T> work);

    /** Runs read-only {@code work} on a pooled connection (auto-commit). */
    <T> T read(String operation, SqlWork<T> work);

    /** Flushes what can be flushed (SQLite: WAL checkpoint) before shutdown. */
    void checkpoint();

    @Override
    void close();

    /** Opens the configured backend and migrates its schema to the newest version. */
    static Store open(StorageConfig config) {
        JdbcStore store = JdbcStore.open(config);
        try {
            Migrations.migrate(store.dataSource(), store.dialect());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }
}
