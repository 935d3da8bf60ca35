package dev.aman.audit;

import dev.aman.store.Keyset;

/**
 * Filters of {@code GET /audit-log} (API.md §19.1). {@code action} and {@code target} are exact, or a
 * prefix when they end in {@code *}; {@code operator} is case-insensitive; null members do not filter.
 */
public record AuditQuery(String action, String operator, String target, String outcome, Long sinceMs,
                         Long untilMs, boolean ascending, int limit, int offset, Keyset after) {
}
