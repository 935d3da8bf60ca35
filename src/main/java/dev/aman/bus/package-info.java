/**
 * The durable event bus (FORMATS §4, API.md §1.15): admission with validation, dedup, rate limits and
 * backpressure; a group-committed journal; per-handler deliveries on worker threads with retries and
 * dead-lettering; crash recovery replaying every unacknowledged delivery.
 */
package dev.aman.bus;
