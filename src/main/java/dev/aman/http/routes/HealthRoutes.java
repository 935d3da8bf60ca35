package dev.aman.http.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.http.ApiResponse;
import dev.aman.http.Readiness;
import dev.aman.http.RouteSpec;
import dev.aman.http.Routes;
import dev.aman.json.Json;
import dev.aman.metrics.Metrics;
import dev.aman.runtime.Lifecycle;
import java.util.List;
import java.util.function.Supplier;

/** Public health and metrics endpoints (API.md §4.1, §4.2, §4.4). */
public final class HealthRoutes implements Routes {
    private final Lifecycle lifecycle;
    private final Metrics metrics;
    private final Supplier<List<String>> degraded;

    /** @param degraded components running but impaired ({@code plugin:<name>}, {@code source:<id>}, {@code llm}) */
    public HealthRoutes(Lifecycle lifecycle, Metrics metrics, Supplier<List<String>> degraded) {
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.degraded = degraded;
    }

    @Override
    public void register(Registrar r) {
        r.add(RouteSpec.get("/health/live", Readiness.A).asPublic(), req -> live());
        r.add(RouteSpec.get("/health/ready", Readiness.A).asPublic(), req -> ready());
        r.add(RouteSpec.get("/health", Readiness.A).asPublic(), req -> ready());
        r.add(RouteSpec.get("/metrics", Readiness.A).asPublic(),
                req -> ApiResponse.text("text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    }

    private ApiResponse live() {
        ObjectNode body = Json.object();
        if (lifecycle.finished()) {
            body.put("status", "unavailable").put("phase", 0).put("error", "stopped").put("message", "stopped");
            return ApiResponse.ok(body).withStatus(503);
        }
        body.put("status", "ok").put("phase", lifecycle.phase().number());
        return ApiResponse.ok(body);
    }

    private ApiResponse ready() {
        if (lifecycle.ready()) {
            ObjectNode body = Json.object();
            body.put("status", "ok").put("phase", 5);
            var list = body.putArray("degraded");
            degraded.get().forEach(list::add);
            return ApiResponse.ok(body);
        }
        String reason = lifecycle.finished() ? "stopped" : lifecycle.draining() ? "draining" : lifecycle.lifecycleName();
        String error = reason.equals("draining") || reason.equals("stopped") ? "draining" : "not ready";
        ObjectNode out = Json.object();
        out.put("status", "unavailable").put("phase", lifecycle.phase().number()).put("reason", reason);
        out.putArray("degraded");
        out.put("error", error).put("message", error);
        return ApiResponse.ok(out).withStatus(503).header("retry-after", "1");
    }
}
