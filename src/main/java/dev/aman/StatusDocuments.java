package dev.aman;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.bus.EventBus;
import dev.aman.bus.Priority;
import dev.aman.config.AmanConfig;
import dev.aman.config.ConfigService;
import dev.aman.http.sse.SseHub;
import dev.aman.json.Json;
import dev.aman.runtime.Lifecycle;
import dev.aman.runtime.RuntimeStatus;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the state documents shown by {@code /debug/metrics} (API.md §19.2) and the SSE snapshot frames
 * (§21.2) from the live services. Subsystems that do not exist yet (agents, plugins, sources, cron, chat)
 * report their empty state.
 */
final class StatusDocuments implements SseHub.Snapshots {
    private static final Logger log = LoggerFactory.getLogger(StatusDocuments.class);
    private final Lifecycle lifecycle;
    private final ConfigService config;
    private final Supplier<StorageServices> storage;
    private final Supplier<SseHub> sse;
    private final Clock clock;

    StatusDocuments(Lifecycle lifecycle, ConfigService config, Supplier<StorageServices> storage, Supplier<SseHub> sse,
                    Clock clock) {
        this.lifecycle = lifecycle;
        this.config = config;
        this.storage = storage;
        this.sse = sse;
        this.clock = clock;
    }

    @Override
    public ObjectNode runtime() {
        RuntimeStatus s = lifecycle.status();
        ObjectNode o = Json.object();
        o.put("phase", s.phase()).put("phase_name", s.phaseName()).put("ready", s.ready()).put("live", s.live())
                .put("draining", s.draining());
        return o;
    }

    @Override
    public ObjectNode metrics() {
        AmanConfig c = config.current();
        StorageServices s = storage.get();
        EventBus bus = s == null ? null : s.bus;
        ObjectNode o = Json.object();
        ObjectNode depth = o.putObject("queue_depth");
        ObjectNode capacity = o.putObject("queue_capacity");
        for (Priority p : Priority.values()) {
            depth.put(p.wire(), bus == null ? 0 : bus.depth(p));
            capacity.put(p.wire(), c.longValue("event_bus.queues." + p.wire()));
        }
        o.put("fill_ratio", bus == null ? 0.0 : bus.fillRatio());
        o.put("backpressure_level", bus == null ? 0 : bus.level());
        o.put("retry_queue_depth", bus == null ? 0 : bus.retryDepth());
        o.put("throughput_total", bus == null ? 0 : bus.metrics().publishedTotal());
        o.put("discarded_total", bus == null ? 0 : bus.metrics().discardedTotal());
        o.put("duplicate_total", bus == null ? 0 : bus.metrics().duplicateTotal());
        o.put("expired_total", bus == null ? 0 : bus.metrics().expiredTotal());
        o.put("dlq_depth", s == null ? 0 : safe(() -> s.dlq.depth().depth(), 0L));
        o.put("inflight_handlers", bus == null ? 0 : bus.inflight());
        o.put("inflight_turns", 0);
        o.put("subscriptions", bus == null ? 0 : bus.subscriptions());
        o.put("sse_clients", sse.get().size());
        return o;
    }

    @Override
    public ObjectNode agents() {
        ObjectNode o = Json.object();
        var items = o.putArray("items");
        var agents = config.current().items("agents");
        if (agents.isEmpty()) {
            agentItem(items.addObject(), "aman", true);
        }
        for (Map<String, Object> a : agents) {
            agentItem(items.addObject(), (String) a.get("id"), !Boolean.FALSE.equals(a.get("enabled")));
        }
        return o;
    }

    private static void agentItem(ObjectNode item, String id, boolean enabled) {
        item.put("agent_id", id).put("status", enabled ? "idle" : "disabled").put("system_state", enabled ? "idle" : "disabled")
                .putNull("activity");
        item.putArray("active_session_ids");
    }

    @Override
    public ObjectNode notifications() {
        ObjectNode o = Json.object();
        StorageServices s = storage.get();
        if (s == null) {
            o.put("unread_count", 0).put("active_count", 0).put("critical_unread_count", 0).putNull("latest_id");
            return o;
        }
        var c = safe(() -> s.notifications.counts(), null);
        if (c == null) {
            o.put("unread_count", 0).put("active_count", 0).put("critical_unread_count", 0).putNull("latest_id");
            return o;
        }
        o.put("unread_count", c.unread()).put("active_count", c.active()).put("critical_unread_count", c.criticalUnread())
                .put("latest_id", c.latestId());
        return o;
    }

    /** The subsystem sections of {@code /debug/metrics}. */
    void debug(ObjectNode out) {
        AmanConfig c = config.current();
        StorageServices s = storage.get();
        EventBus bus = s == null ? null : s.bus;
        ObjectNode m = metrics();
        ObjectNode b = out.putObject("bus");
        b.set("queue_depth", m.get("queue_depth"));
        b.set("queue_capacity", m.get("queue_capacity"));
        b.put("fill_ratio", m.get("fill_ratio").asDouble()).put("backpressure_level", m.get("backpressure_level").asInt())
                .put("retry_queue_depth", m.get("retry_queue_depth").asInt()).put("subscriptions", m.get("subscriptions").asInt())
                .put("published_total", bus == null ? 0 : bus.metrics().publishedTotal())
                .put("delivered_total", bus == null ? 0 : bus.metrics().deliveredTotal())
                .put("discarded_total", bus == null ? 0 : bus.metrics().discardedTotal())
                .put("duplicate_total", bus == null ? 0 : bus.metrics().duplicateTotal())
                .put("expired_total", bus == null ? 0 : bus.metrics().expiredTotal())
                .put("dead_lettered_total", bus == null ? 0 : bus.metrics().deadLetteredTotal())
                .put("spilled_events", bus == null ? 0 : bus.spilledEvents())
                .put("journal_pending", bus == null ? 0 : bus.queuedEvents() + bus.retryDepth());
        out.putObject("inflight").put("handlers", bus == null ? 0 : bus.inflight()).put("skills", 0).put("workflow_actions", 0)
                .put("turns", 0).put("tool_calls", 0);
        ObjectNode dlq = out.putObject("dlq");
        var depth = s == null ? null : safe(() -> s.dlq.depth(), null);
        dlq.put("depth", depth == null ? 0 : depth.depth());
        dlq.put("oldest_enqueued_at_ms", depth == null ? null : depth.oldestEnqueuedAtMs());
        ObjectNode store = out.putObject("event_store");
        var stats = s == null ? null : safe(() -> s.events.stats(), null);
        store.put("events", stats == null ? 0 : stats.events()).put("capacity", c.longValue("event_bus.store.max_events"));
        store.put("oldest_timestamp_ms", stats == null ? null : stats.oldestTimestampMs());
        out.putArray("sources");
        out.putObject("cron").put("jobs", 0).put("leader", true).putNull("scheduler_heartbeat_at_ms");
        out.putArray("plugins");
        var agents = out.putArray("agents");
        agents().get("items").forEach(a -> agents.addObject().put("agent_id", a.get("agent_id").asText())
                .put("status", a.get("status").asText()).put("running_turns", 0));
        out.putObject("sessions").put("open", 0).put("processing", 0);
        out.put("tool_approvals_pending", 0);
        SseHub hub = sse.get();
        out.putObject("sse").put("clients", hub.size()).put("anonymous_clients", hub.count(false))
                .put("dropped_total", hub.droppedTotal());
        out.put("idempotency_keys", s == null ? 0 : safe(() -> s.idempotency.count(clock.millis()), 0L));
    }

    private static <T> T safe(Supplier<T> s, T fallback) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            log.atDebug().setCause(e).log("status document part unavailable");
            return fallback;
        }
    }
}
