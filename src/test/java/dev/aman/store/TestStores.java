package dev.aman.store;

import dev.aman.config.StorageConfig;
import dev.aman.testing.Backend;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Opens a real, migrated {@link Store} for store-level tests on either backend. */
final class TestStores {
    private TestStores() {
    }

    static Store open(Backend backend, Path dir) {
        if (backend == Backend.SQLITE) {
            return Store.open(new StorageConfig("jdbc:sqlite:" + dir.resolve("test.db"), "", "", 4, "node-a", 60));
        }
        Assumptions.assumeTrue(Backend.postgresUrl() != null, "PostgreSQL leg skipped: AMAN_TEST_PG_URL is not set");
        return Store.open(new StorageConfig(Backend.createTestSchema(), "", "", 4, "node-a", 60));
    }
}
