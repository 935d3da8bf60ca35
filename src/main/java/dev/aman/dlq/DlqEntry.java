package dev.aman.dlq;

import dev.aman.bus.Event;

/** API.md §2.5. {@code manualRetryCount} = {@code event.metadata.retry_count}. */
public record DlqEntry(String id, Event event, String reason, String lastError, String handler, int attempts,
                       int manualRetryCount, long enqueuedAtMs, long expiresAtMs) {
}
