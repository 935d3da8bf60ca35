/**
 * Durable storage behind small interfaces. One {@link dev.aman.store.Store} opens either an embedded
 * SQLite file (single writer connection, WAL) or a PostgreSQL pool; SQL is written to run on both, the
 * few differences live in {@link dev.aman.store.Dialect}, and Flyway applies the same numbered
 * migrations to either engine.
 */
package dev.aman.store;
