/**
 * The durable audit log (API.md §1.16, §2.3, §23): one record per mutating request and per system action,
 * with filtered keyset pagination and a 90-day retention purge.
 */
package dev.aman.audit;
