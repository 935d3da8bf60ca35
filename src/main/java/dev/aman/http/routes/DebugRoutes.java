package dev.aman.http.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.http.ApiResponse;
import dev.aman.http.Readiness;
import dev.aman.http.RouteSpec;
import dev.aman.http.Routes;
import dev.aman.json.Json;
import dev.aman.runtime.Lifecycle;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * {@code GET /debug/metrics} (API.md §19.2). Subsystems contribute their sections through
 * {@link Section}s; a subsystem that does not run yet reports zeros, as the spec allows.
 */
public final class DebugRoutes implements Routes {
    private final Lifecycle lifecycle;
    private final Clock clock;
    private final Iterable<Section> sections;

    /** Fills one part of the debug document (e.g. {@code bus}, {@code dlq}). */
    @FunctionalInterface
    public interface Section extends Consumer<ObjectNode> {
    }

    public DebugRoutes(Lifecycle lifecycle, Clock clock, Iterable<Section> sections) {
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.sections = sections;
    }

    @Override
    public void register(Registrar r) {
        r.add(RouteSpec.get("/debug/metrics", Readiness.A), req -> ApiResponse.ok(snapshot()));
    }

    private ObjectNode snapshot() {
        ObjectNode out = Json.object();
        out.put("timestamp_ms", clock.millis());
        out.put("phase", lifecycle.phase().number());
        out.put("draining", lifecycle.draining());
        out.put("uptime_ms", lifecycle.status().uptimeMs());
        for (Section s : sections) {
            s.accept(out);
        }
        ObjectNode jvm = out.putObject("jvm");
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        jvm.put("heap_used_bytes", heap.getUsed());
        jvm.put("heap_max_bytes", heap.getMax());
        jvm.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        long gc = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, b.getCollectionTime());
        }
        jvm.put("gc_pause_ms_total", gc);
        return out;
    }
}
