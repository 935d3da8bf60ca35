package dev.aman.metrics;

import dev.aman.runtime.Lifecycle;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;

/**
 * Owns the daemon's meter registry. JVM and process families come from the Prometheus JVM
 * instrumentation, so they carry the standard names of API.md §22 ({@code jvm_memory_used_bytes},
 * {@code process_cpu_seconds_total}, …). One instance per daemon; no global registry is used.
 */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public Metrics(String version, Lifecycle lifecycle) {
        JvmMetrics.builder().register(registry.getPrometheusRegistry());
        // an Info metric: Micrometer would strip the _info suffix of a gauge
        io.prometheus.metrics.core.metrics.Info.builder().name("aman_build").help("build information, always 1")
                .labelNames("version").register(registry.getPrometheusRegistry()).addLabelValues(version);
        Gauge.builder("aman_runtime_phase", () -> lifecycle.phase().number()).description("current phase 0–5")
                .register(registry);
        Gauge.builder("aman_runtime_ready", () -> lifecycle.ready() ? 1 : 0).description("1 when ready")
                .register(registry);
        Gauge.builder("aman_runtime_draining", () -> lifecycle.draining() ? 1 : 0).description("1 during shutdown")
                .register(registry);
        registry.counter("aman_idempotency_replays");
    }

    /** A gauge that reads its value on every scrape. */
    public void gauge(String name, String help, java.util.function.Supplier<Number> value, String... tags) {
        Gauge.builder(name, () -> value.get().doubleValue()).description(help).tags(tags).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition 0.0.4 of everything registered. */
    public String scrape() {
        return registry.scrape();
    }
}
