package dev.aman.bus;

import com.fasterxml.jackson.databind.JsonNode;

/** The event envelope of FORMATS §4.1, as stored, delivered and streamed. Immutable. */
public record Event(String id, String source, String eventType, long timestampMs, Priority priority,
                    DeliveryMode delivery, String dedupKey, JsonNode payload, EventMetadata metadata) {

    /** Whether the delivery deadline ({@code created_at_ms + ttl_ms}) has passed at {@code nowMs}. */
    public boolean expiredAt(long nowMs) {
        Long ttl = metadata.ttlMs();
        return ttl != null && nowMs > metadata.createdAtMs() + ttl;
    }
}
