package dev.aman.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.bus.Admission;
import dev.aman.bus.DeliveryMode;
import dev.aman.bus.Event;
import dev.aman.bus.EventBus;
import dev.aman.bus.EventDraft;
import dev.aman.bus.EventRecord;
import dev.aman.bus.EventStore;
import dev.aman.bus.EventTypes;
import dev.aman.bus.Priority;
import dev.aman.bus.RateLimiter;
import dev.aman.config.AmanConfig;
import dev.aman.config.ConfigService;
import dev.aman.http.ApiHandler;
import dev.aman.http.ApiRequest;
import dev.aman.http.ApiResponse;
import dev.aman.http.Fields;
import dev.aman.http.Readiness;
import dev.aman.http.RouteSpec;
import dev.aman.http.Routes;
import dev.aman.http.errors.ApiException;
import dev.aman.http.paging.CursorCodec;
import dev.aman.http.paging.PageParams;
import dev.aman.json.Json;
import dev.aman.store.Keyset;
import dev.aman.store.Page;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Events API (API.md §7): push, inject, trace, dump, recent, types. */
public final class EventRoutes implements Routes {
    private static final List<String> PRIORITIES = List.of("high", "normal", "low");
    private static final List<String> DELIVERIES = List.of("at_most_once", "at_least_once", "exactly_once");
    private static final List<String> STATUSES = List.of("pending", "delivered", "failed", "dead_lettered", "expired", "dropped");

    private final Supplier<EventBus> bus;
    private final ConfigService config;
    private final RateLimiter rateLimiter = new RateLimiter();
    private final Counter rateLimited;

    public EventRoutes(Supplier<EventBus> bus, ConfigService config, MeterRegistry metrics) {
        this.bus = bus;
        this.config = config;
        this.rateLimited = metrics.counter("aman_rate_limited");
    }

    @Override
    public void register(Registrar r) {
        r.add(RouteSpec.post("/events/push", Readiness.C, "event.push", "event").idempotencyKeys(), new ApiHandler() {
            @Override
            public void validate(ApiRequest req) {
                parse(req, false); // step 8 before the idempotency lookup of step 9 (API.md §1.9)
            }

            @Override
            public ApiResponse handle(ApiRequest req) {
                return publish(req, false);
            }
        });
        r.add(RouteSpec.post("/inject-event", Readiness.C, "event.inject", "event").gatedBy(() ->
                config.current().runtime().debugEndpointsEnabled() ? null : "debug endpoints disabled"), req -> publish(req, true));
        r.add(RouteSpec.get("/events/trace/{trace_id}", Readiness.C).param("trace_id", "[A-Za-z0-9._-]{8,64}"), this::trace);
        r.add(RouteSpec.get("/events/dump/{id}", Readiness.C).param("id", UUID), this::dump);
        r.add(RouteSpec.get("/events/recent", Readiness.C), this::recent);
        r.add(RouteSpec.get("/events/types", Readiness.C), req -> ApiResponse.ok(Map.of("items", types())));
    }

    static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

    /** Validates the body of a push or injection into a draft; no side effects. */
    private EventDraft parse(ApiRequest req, boolean inject) {
        ObjectNode body = req.body();
        AmanConfig c = config.current();
        String source = Fields.reqString(body, "source");
        if (!EventTypes.SOURCE.matcher(source).matches()) {
            throw Fields.invalid("source", "must match [A-Za-z0-9][A-Za-z0-9:_./@-]{0,127}");
        }
        String type = Fields.aliased(body, "event_type", "type");
        if (type == null || type.isBlank()) {
            throw Fields.invalid("event_type", "is required");
        }
        if (!EventTypes.TYPE.matcher(type).matches()) {
            throw Fields.invalid("event_type", "must match [A-Za-z0-9][A-Za-z0-9:_.-]{0,127}");
        }
        if (!inject && EventTypes.reservedSource(source)) {
            throw Fields.invalid("source", "is reserved: " + Fields.cut(source));
        }
        if (!inject && EventTypes.reservedType(type)) {
            throw Fields.invalid("event_type", "is reserved: " + Fields.cut(type));
        }
        JsonNode payload = body.get("payload");
        if (payload == null || payload.isNull()) {
            payload = Json.object();
        }
        long maxPayload = c.longValue("event_bus.max_payload_bytes");
        if (Json.write(payload).getBytes(StandardCharsets.UTF_8).length > maxPayload) {
            throw ApiException.of(413, "payload too large");
        }
        String agentId = Fields.optString(body, "agent_id");
        if (agentId != null && !agentExists(c, agentId)) {
            throw ApiException.badRequest("unknown agent " + Fields.cut(agentId)).with("field", "agent_id");
        }
        String priority = Fields.optEnum(body, "priority", PRIORITIES);
        String delivery = Fields.optEnum(body, "delivery", DELIVERIES);
        Long ttl = Fields.optLong(body, "ttl_ms", 1, 2_592_000_000L);
        String dedupKey = Fields.optString(body, "dedup_key");
        if (dedupKey != null && dedupKey.length() > 256) {
            throw Fields.invalid("dedup_key", "must be at most 256 characters");
        }
        String traceId = Fields.optString(body, "trace_id");
        if (traceId != null && !EventTypes.TRACE_ID.matcher(traceId).matches()) {
            throw Fields.invalid("trace_id", "must match [A-Za-z0-9._-]{8,64}");
        }
        String parent = Fields.optString(body, "parent_event_id");
        String instance = Fields.optString(body, "workflow_instance_id");
        String trust = inject ? Fields.optEnum(body, "trust", List.of("trusted", "untrusted")) : "trusted";
        DeliveryMode mode = delivery == null ? DeliveryMode.AT_LEAST_ONCE : DeliveryMode.parse(delivery);
        String idemKey = req.header("Idempotency-Key");
        if (mode == DeliveryMode.EXACTLY_ONCE && dedupKey == null && idemKey != null && !inject) {
            dedupKey = idemKey;
        }
        return new EventDraft(source, type, payload, priority == null ? null : Priority.parse(priority), mode,
                dedupKey, traceId, parent, ttl, agentId, instance, trust == null ? "trusted" : trust, 0, 0, null, null);
    }

    private ApiResponse publish(ApiRequest req, boolean inject) {
        EventDraft draft = parse(req, inject);
        AmanConfig c = config.current();
        String source = draft.source();
        String type = draft.eventType();
        String agentId = draft.agentId();
        DeliveryMode mode = draft.delivery();
        if (!inject) {
            long wait = rateLimiter.tryAcquire(source, c.doubleValue("event_bus.rate_limit.per_source_per_sec"),
                    c.longValue("event_bus.rate_limit.burst"), System.nanoTime());
            if (wait > 0) {
                rateLimited.increment();
                throw ApiException.of(429, "rate limited").with("retry_after_ms", wait)
                        .header("retry-after", Long.toString((wait + 999) / 1000));
            }
        }
        Admission a = bus.get().publish(draft, EventBus.Origin.EXTERNAL);
        Event e = a.event();
        String target = agentId == null ? "global" : "agent:" + agentId;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("event_type", e.eventType());
        out.put("target", target);
        out.put("trace_id", e.metadata().traceId());
        out.put("delivery", e.delivery().wire());
        out.put("status", a.status());
        out.put("duplicate", a.duplicate());
        String detail = inject ? "event_type=" + type
                : "event_type=" + type + " target=" + target + " delivery=" + mode.wire() + " duplicate=" + a.duplicate();
        return ApiResponse.ok(out).audit(detail).target("event:" + e.id());
    }

    private static boolean agentExists(AmanConfig c, String agentId) {
        var agents = c.items("agents");
        if (agents.isEmpty()) {
            return agentId.equals("aman");
        }
        return agents.stream().anyMatch(a -> agentId.equals(a.get("id")));
    }

    private ApiResponse trace(ApiRequest req) {
        String traceId = req.pathParam("trace_id");
        if (dev.aman.ids.UuidV7.isUuid(traceId)) {
            traceId = traceId.toLowerCase(java.util.Locale.ROOT); // UUIDs parse case-insensitively (API.md §1.11)
        }
        String shape = "/events/trace|" + traceId;
        PageParams page = req.page(shape);
        List<EventRecord> all = bus.get().store().trace(traceId);
        if (all.isEmpty()) {
            throw ApiException.notFound("trace", traceId);
        }
        List<EventRecord> from = all;
        if (page.after() != null) {
            Keyset k = page.after();
            from = all.stream().filter(r -> r.event().timestampMs() > k.time()
                    || (r.event().timestampMs() == k.time() && r.event().id().compareTo(k.id()) > 0)).toList();
        }
        from = from.subList(Math.min(page.offset(), from.size()), from.size());
        boolean more = from.size() > page.limit();
        List<EventRecord> items = more ? from.subList(0, page.limit()) : from;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trace_id", traceId);
        out.put("items", items);
        out.put("next_cursor", more ? cursor(items.get(items.size() - 1).event(), shape) : null);
        List<String> cycle = cycle(all);
        out.put("cycle_detected", !cycle.isEmpty());
        out.put("cycle_path", cycle);
        return ApiResponse.ok(out);
    }

    /** One loop among parent links, in link order; empty when the links form a forest. */
    static List<String> cycle(List<EventRecord> events) {
        Map<String, String> parent = new HashMap<>();
        for (EventRecord r : events) {
            parent.put(r.event().id(), r.event().metadata().parentEventId());
        }
        for (String start : parent.keySet()) {
            LinkedHashSet<String> path = new LinkedHashSet<>();
            String cur = start;
            while (cur != null && parent.containsKey(cur)) {
                if (!path.add(cur)) {
                    List<String> loop = new ArrayList<>();
                    boolean in = false;
                    for (String p : path) {
                        in |= p.equals(cur);
                        if (in) {
                            loop.add(p);
                        }
                    }
                    return loop;
                }
                cur = parent.get(cur);
            }
        }
        return List.of();
    }

    private ApiResponse dump(ApiRequest req) {
        String id = req.pathParam("id").toLowerCase(java.util.Locale.ROOT);
        EventRecord r = bus.get().store().find(id);
        if (r == null) {
            throw ApiException.notFound("event", id);
        }
        return ApiResponse.ok(r);
    }

    private ApiResponse recent(ApiRequest req) {
        String type = req.query("event_type");
        String source = req.query("source");
        String agent = req.query("agent_id");
        String status = req.queryEnum("status", STATUSES);
        Long since = req.queryLong("since_ms", Long.MIN_VALUE, Long.MAX_VALUE);
        String shape = "/events/recent|" + type + "|" + source + "|" + agent + "|" + status + "|" + since;
        PageParams page = req.page(shape);
        Page<EventRecord> result = bus.get().store().recent(new EventStore.RecentQuery(like(type), like(source), agent,
                status, since, page.limit(), page.offset(), page.after()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", result.items());
        out.put("next_cursor", result.more() && !result.items().isEmpty()
                ? cursor(result.items().get(result.items().size() - 1).event(), shape) : null);
        return ApiResponse.ok(out);
    }

    private static String cursor(Event e, String shape) {
        return CursorCodec.encode(new Keyset(e.timestampMs(), e.id()), shape);
    }

    /** A glob with {@code *} as a SQL LIKE pattern (escape character {@code \}). */
    static String like(String glob) {
        if (glob == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> sb.append('%');
                case '%', '_', '\\' -> sb.append('\\').append(ch);
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    private List<Map<String, Object>> types() {
        Map<String, Long> seen = bus.get().store().typesSeen();
        TreeMap<String, Map<String, Object>> items = new TreeMap<>();
        for (String t : EventTypes.BUILTIN) {
            items.put(t, typeItem(t, true, seen.get(t)));
        }
        seen.forEach((t, at) -> items.putIfAbsent(t, typeItem(t, false, at)));
        return new ArrayList<>(items.values());
    }

    private static Map<String, Object> typeItem(String type, boolean builtin, Long lastSeen) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_type", type);
        m.put("builtin", builtin);
        m.put("reserved", EventTypes.reservedType(type));
        m.put("declared_by", List.of());
        m.put("last_seen_at_ms", lastSeen);
        return m;
    }

}
