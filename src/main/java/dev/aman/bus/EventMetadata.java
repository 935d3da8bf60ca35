package dev.aman.bus;

/** {@code metadata} of the event envelope (FORMATS §4.1). */
public record EventMetadata(String traceId, String parentEventId, int retryCount, int maxRetries, Long ttlMs,
                            String agentId, long createdAtMs, int chainDepth, String workflowInstanceId,
                            String trust) {
}
