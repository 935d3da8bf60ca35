package dev.aman.http.routes;

import dev.aman.dlq.DlqEntry;
import dev.aman.dlq.DlqService;
import dev.aman.http.ApiRequest;
import dev.aman.http.ApiResponse;
import dev.aman.http.Fields;
import dev.aman.http.Readiness;
import dev.aman.http.RouteSpec;
import dev.aman.http.Routes;
import dev.aman.http.errors.ApiException;
import dev.aman.http.paging.CursorCodec;
import dev.aman.http.paging.PageParams;
import dev.aman.store.Keyset;
import dev.aman.store.Page;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** Dead-letter queue API (API.md §11). */
public final class DlqRoutes implements Routes {
    private final Supplier<DlqService> dlq;
    private final IntSupplier backpressureLevel;
    private final EventPublisher events;

    /** Publishes the {@code dlq:retried} / {@code dlq:discarded} events. */
    @FunctionalInterface
    public interface EventPublisher {
        void publish(String type, Map<String, Object> payload);
    }

    public DlqRoutes(Supplier<DlqService> dlq, IntSupplier backpressureLevel, EventPublisher events) {
        this.dlq = dlq;
        this.backpressureLevel = backpressureLevel;
        this.events = events;
    }

    @Override
    public void register(Registrar r) {
        r.add(RouteSpec.get("/dlq", Readiness.C), this::list);
        r.add(RouteSpec.get("/dlq/depth", Readiness.C), req -> {
            DlqService.Depth d = dlq.get().depth();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("depth", d.depth());
            out.put("oldest_enqueued_at_ms", d.oldestEnqueuedAtMs());
            return ApiResponse.ok(out);
        });
        r.add(RouteSpec.post("/dlq/{id}/retry", Readiness.C, "dlq.retry", "dlq:{id}").confirmed()
                .param("id", EventRoutes.UUID), this::retry);
        r.add(RouteSpec.post("/dlq/{id}/discard", Readiness.C, "dlq.discard", "dlq:{id}")
                .param("id", EventRoutes.UUID), this::discard);
    }

    private ApiResponse list(ApiRequest req) {
        var f = new DlqService.Filter(req.query("reason"), req.query("source"), req.query("event_type"), req.query("handler"));
        String shape = "/dlq|" + f;
        PageParams page = req.page(shape);
        Page<DlqEntry> result = dlq.get().list(f, page.limit(), page.offset(), page.after());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", result.items());
        String next = null;
        if (result.more() && !result.items().isEmpty()) {
            DlqEntry last = result.items().get(result.items().size() - 1);
            next = CursorCodec.encode(new Keyset(last.enqueuedAtMs(), last.id()), shape);
        }
        out.put("next_cursor", next);
        return ApiResponse.ok(out);
    }

    private ApiResponse retry(ApiRequest req) {
        String reason = Fields.optString(req.body(), "reason");
        if (reason != null && reason.length() > 500) {
            throw Fields.invalid("reason", "must be at most 500 characters");
        }
        String id = req.pathParam("id").toLowerCase(java.util.Locale.ROOT);
        int level = backpressureLevel.getAsInt();
        if (level >= 3) {
            throw ApiException.of(503, "backpressure").with("level", level).header("retry-after", "1");
        }
        DlqService.Retried r = dlq.get().retry(id);
        events.publish("dlq:retried", Map.of("dlq_id", id, "new_event_id", r.newEventId(), "retry_count", r.retryCount(),
                "operator", req.operator()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dlq_id", id);
        out.put("new_event_id", r.newEventId());
        out.put("trace_id", r.traceId());
        out.put("handler", r.handler());
        out.put("retry_count", r.retryCount());
        return ApiResponse.ok(out).audit("new_event_id=" + r.newEventId() + " retry_count=" + r.retryCount()
                + (reason == null ? "" : " reason=" + reason));
    }

    private ApiResponse discard(ApiRequest req) {
        String id = req.pathParam("id").toLowerCase(java.util.Locale.ROOT);
        DlqEntry e = dlq.get().discard(id);
        events.publish("dlq:discarded", Map.of("dlq_id", id, "operator", req.operator()));
        return ApiResponse.ok(e).audit("event_id=" + e.event().id());
    }
}
