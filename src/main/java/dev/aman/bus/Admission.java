package dev.aman.bus;

/**
 * The answer to a publication: the admitted event (or, for an exactly-once duplicate, the first one), its
 * status ({@code pending}, {@code dropped}, or the first event's current status) and whether it was a
 * duplicate.
 */
public record Admission(Event event, String status, boolean duplicate) {
}
