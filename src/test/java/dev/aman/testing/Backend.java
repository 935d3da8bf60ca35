package dev.aman.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/** A storage backend for one test: SQLite in the test's home, or a fresh schema on the test PostgreSQL. */
public enum Backend {
    SQLITE, POSTGRES;

    /** The PostgreSQL URL of the test database, or null when the PostgreSQL leg is off. */
    public static String postgresUrl() {
        String url = System.getenv("AMAN_TEST_PG_URL");
        return url == null || url.isBlank() ? null : url;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Creates a schema of its own for one test and returns the storage URL that selects it. */
    public static String createTestSchema() {
        return createSchema();
    }

    static String createSchema() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(postgresUrl()); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test schema on " + postgresUrl(), e);
        }
        String url = postgresUrl();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    static void dropSchema(String storageUrl) {
        String schema = storageUrl.substring(storageUrl.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = DriverManager.getConnection(postgresUrl()); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            // a leftover schema only costs disk space; the next test uses a new one
        }
    }
}
