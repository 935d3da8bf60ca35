package dev.aman.bus;

/** One handler's delivery of one event (API.md §2.2). */
public record DeliveryRecord(String handler, DeliveryStatus status, int attempts, String lastError, Long finishedAtMs,
                             String dlqId) {
}
