/**
 * The dead-letter queue (API.md §11, FORMATS §4.6): listing, depth, manual retry to the failed handler
 * only, discard, capacity and expiry.
 */
package dev.aman.dlq;
