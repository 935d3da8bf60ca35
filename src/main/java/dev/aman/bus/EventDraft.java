package dev.aman.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * What a publisher asks for; the bus fills in id, times, trace and defaults at admission. Null members
 * take their defaults (FORMATS §4.1). {@code onlyHandler} restricts delivery to one handler and
 * {@code consumesDlqId} removes that DLQ entry in the journal transaction (DLQ retry, API.md §11.3).
 */
public record EventDraft(String source, String eventType, JsonNode payload, Priority priority, DeliveryMode delivery,
                         String dedupKey, String traceId, String parentEventId, Long ttlMs, String agentId,
                         String workflowInstanceId, String trust, int retryCount, int chainDepth, String onlyHandler,
                         String consumesDlqId) {

    public EventDraft {
        payload = payload == null ? JsonNodeFactory.instance.objectNode() : payload;
    }

    /** A plain event from aman itself (source {@code runtime}). */
    public static EventDraft system(String eventType, JsonNode payload) {
        return new EventDraft("runtime", eventType, payload, Priority.NORMAL, DeliveryMode.AT_LEAST_ONCE, null, null,
                null, null, null, null, "trusted", 0, 0, null, null);
    }

    public EventDraft withDelivery(DeliveryMode d, Priority p) {
        return new EventDraft(source, eventType, payload, p, d, dedupKey, traceId, parentEventId, ttlMs, agentId,
                workflowInstanceId, trust, retryCount, chainDepth, onlyHandler, consumesDlqId);
    }

    /** A follow-up of {@code cause}: same trace, agent (unless set) and trust, depth + 1 (FORMATS §4.1). */
    public EventDraft followUpOf(Event cause) {
        String trustOut = "untrusted".equals(cause.metadata().trust()) ? "untrusted" : trust;
        return new EventDraft(source, eventType, payload, priority, delivery, dedupKey, cause.metadata().traceId(),
                cause.id(), ttlMs, agentId != null ? agentId : cause.metadata().agentId(), workflowInstanceId, trustOut,
                retryCount, cause.metadata().chainDepth() + 1, onlyHandler, consumesDlqId);
    }
}
