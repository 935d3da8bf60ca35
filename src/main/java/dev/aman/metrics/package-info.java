/** Prometheus metrics (API.md §22) through Micrometer, plus the standard JVM and process families. */
package dev.aman.metrics;
