package dev.aman.store;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of work on one connection; a transaction when run through {@link Store#inTransaction}. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
