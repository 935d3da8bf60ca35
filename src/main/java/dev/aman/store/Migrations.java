package dev.aman.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Applies the numbered, forward-only migrations under {@code db/migration/common} (portable SQL, the same
 * numbers on both engines) plus any engine-specific ones under {@code db/migration/<engine>}.
 */
final class Migrations {
    private Migrations() {
    }

    static void migrate(DataSource dataSource, Dialect dialect) {
        try {
            Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect.label())
                    .failOnMissingLocations(false)
                    .createSchemas(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StoreException("migrate schema", e);
        }
    }
}
