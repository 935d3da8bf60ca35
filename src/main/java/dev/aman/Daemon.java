package dev.aman;

import dev.aman.audit.AuditLog;
import dev.aman.config.AmanConfig;
import dev.aman.config.ConfigLoader;
import dev.aman.config.ConfigSchema;
import dev.aman.config.ConfigService;
import dev.aman.home.HomeDir;
import dev.aman.home.HomeLock;
import dev.aman.http.HttpServer;
import dev.aman.http.StorageAccess;
import dev.aman.http.idempotency.IdempotencyStore;
import dev.aman.bus.EventBus;
import dev.aman.bus.EventHandler;
import dev.aman.http.routes.AuditRoutes;
import dev.aman.http.routes.DlqRoutes;
import dev.aman.http.routes.EventRoutes;
import dev.aman.http.routes.NotificationRoutes;
import dev.aman.http.sse.SseHub;
import dev.aman.http.sse.StreamRoutes;
import dev.aman.http.routes.ConfigRoutes;
import dev.aman.http.routes.DebugRoutes;
import dev.aman.http.routes.HealthRoutes;
import dev.aman.http.routes.RuntimeRoutes;
import dev.aman.ids.UuidV7;
import dev.aman.metrics.Metrics;
import dev.aman.runtime.Lifecycle;
import dev.aman.runtime.Phase;
import dev.aman.runtime.PhaseHook;
import dev.aman.runtime.ShutdownResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the only class that knows every piece. It builds the object graph with
 * {@code new}, in phase order (API.md §1.17), and owns the home lock, the HTTP listener and the lifecycle.
 *
 * <p>Use: {@link #prepare} (home, lock, configuration) → {@link #listen} (phase 0, HTTP) →
 * {@link #startRuntime} (phases 1–5) → {@link #awaitStop} → {@link #close}. Not thread-safe itself; the
 * objects it builds are.
 */
public final class Daemon implements AutoCloseable {
    public static final String VERSION = versionOf();
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    private final dev.aman.config.SecretRedactor redactor;
    private final AmanConfig initialConfig;
    private final ConfigService config;
    private final HomeLock lock;
    private final Clock clock;
    private final UuidV7 ids;
    private final Lifecycle lifecycle;
    private final Metrics metrics;
    private final SseHub sse;
    private final StatusDocuments status;
    private final HttpServer http;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<String> warnings;
    private final List<Runnable> reloadHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<EventHandler> handlers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile StorageServices storage;
    private volatile InetSocketAddress bound;
    private volatile long startMs;

    /** What {@code aman run} was told on its command line. */
    public record Options(String home, Path configFile, String bind, String token) {
    }

    private Daemon(AmanConfig cfg, List<String> warnings, HomeLock lock, Clock clock, Map<String, String> env) {
        this.redactor = dev.aman.config.SecretRedactor.forConfig(cfg, env);
        this.initialConfig = cfg;
        this.warnings = warnings;
        this.lock = lock;
        this.clock = clock;
        this.config = new ConfigService(cfg);
        this.ids = new UuidV7(clock);
        this.lifecycle = new Lifecycle(clock, VERSION, cfg.storage().nodeId(),
                () -> Duration.ofSeconds(config.current().runtime().startupTimeoutSec()),
                () -> Duration.ofSeconds(config.current().runtime().drainTimeoutSec()));
        this.metrics = new Metrics(VERSION, lifecycle);
        registerMeters();
        this.status = new StatusDocuments(lifecycle, config, () -> storage, this::sse, clock);
        this.sse = new SseHub(status, () -> config.current().http().sseHeartbeatSec(), clock, metrics.registry());
        lifecycle.register(Phase.STORAGE, PhaseHook.of("storage", this::openStorage, t -> closeStorage()));
        lifecycle.onDrain(timeout -> {
            StorageServices s = storage;
            return s == null ? 0 : s.bus.drain(timeout);
        });
        lifecycle.onPhaseChange(this::phaseChanged);
        StorageAccess access = new StorageAccess() {
            @Override
            public AuditLog audit() {
                StorageServices s = storage;
                return s == null ? null : s.audit;
            }

            @Override
            public IdempotencyStore idempotency() {
                StorageServices s = storage;
                return s == null ? null : s.idempotency;
            }
        };
        this.http = new HttpServer(config, lifecycle, access, ids, clock, metrics.registry(), List.of(
                new HealthRoutes(lifecycle, metrics, List::of),
                new RuntimeRoutes(lifecycle, config, this::shutdownFromApi, VERSION, this::boundAddress),
                new AuditRoutes(access::audit),
                new ConfigRoutes(config, this::publish),
                new EventRoutes(() -> storage().bus, config, metrics.registry()),
                new DlqRoutes(() -> storage().dlq, () -> storage().bus.level(), this::publish),
                new NotificationRoutes(() -> storage().notifications, config),
                new StreamRoutes(sse, config, new StoreReplay()),
                new DebugRoutes(lifecycle, clock, List.of(status::debug))));
    }

    /**
     * The storage-backed gauges read whichever services run now (0 while storage is closed), and the
     * fixed-label counters exist from phase 0 (API.md §22).
     */
    private void registerMeters() {
        EventBus.preregister(metrics.registry());
        for (String outcome : dev.aman.audit.AuditOutcome.ALL) {
            metrics.registry().counter("aman_audit_records", "outcome", outcome);
        }
        for (dev.aman.bus.Priority p : dev.aman.bus.Priority.values()) {
            metrics.gauge("aman_event_bus_queue_depth", "events waiting in the queue", () -> bus(b -> b.depth(p)),
                    "priority", p.wire());
            metrics.gauge("aman_event_bus_queue_capacity", "configured capacity",
                    () -> config.current().longValue("event_bus.queues." + p.wire()), "priority", p.wire());
        }
        metrics.gauge("aman_event_bus_fill_ratio", "sum of depths / sum of capacities", () -> bus(EventBus::fillRatio));
        metrics.gauge("aman_event_bus_backpressure_level", "backpressure level 0-4", () -> bus(EventBus::level));
        metrics.gauge("aman_event_bus_retry_queue_depth", "deliveries waiting for a retry", () -> bus(EventBus::retryDepth));
        metrics.gauge("aman_event_bus_subscriptions", "registered handlers", () -> bus(EventBus::subscriptions));
        metrics.gauge("aman_event_store_events", "events in the store", () -> {
            StorageServices s = storage;
            return s == null ? 0 : s.eventCount();
        });
        metrics.gauge("aman_dlq_depth", "entries in the DLQ", () -> {
            StorageServices s = storage;
            return s == null ? 0 : s.dlq.cachedDepth();
        });
        for (String sev : dev.aman.notify.NotificationService.SEVERITIES) {
            metrics.gauge("aman_notifications_active", "not-dismissed notifications", () -> {
                StorageServices s = storage;
                return s == null ? 0 : s.notifications.activeCount(sev);
            }, "severity", sev);
        }
    }

    private Number bus(java.util.function.Function<EventBus, Number> read) {
        StorageServices s = storage;
        return s == null ? 0 : read.apply(s.bus);
    }

    private SseHub sse() {
        return sse;
    }

    private StorageServices storage() {
        StorageServices s = storage;
        if (s == null) {
            throw new IllegalStateException("storage is not open");
        }
        return s;
    }

    /** Registers a bus handler (skills, workflows, agents, tests); it is subscribed whenever the bus runs. */
    public void subscribe(EventHandler handler) {
        handlers.add(handler);
        StorageServices s = storage;
        if (s != null) {
            s.bus.subscribe(handler);
        }
    }

    /** Publishes a system event when the bus runs (source {@code runtime}). */
    public void publish(String type, Map<String, ?> payload) {
        StorageServices s = storage;
        if (s != null) {
            s.publish(type, payload);
        }
    }

    private void phaseChanged(Phase p) {
        sse.runtimeChanged();
        publish("runtime:phase_changed", Map.of("phase", p.number(), "phase_name", p.label(),
                "previous_phase", previousPhase(p)));
        if (p == Phase.READY) {
            publish("runtime:ready", Map.of("version", VERSION, "bind", boundAddress(), "startup_ms", clock.millis() - startMs));
        }
    }

    private int lastPhase;

    private int previousPhase(Phase p) {
        int prev = lastPhase;
        lastPhase = p.number();
        return prev;
    }

    /** Resume reads for the SSE stream; empty while storage is closed. */
    private final class StoreReplay implements StreamRoutes.Replay {
        @Override
        public Long timestampOf(String id) {
            StorageServices s = storage;
            return s == null ? null : s.events.timestampOf(id);
        }

        @Override
        public List<dev.aman.bus.Event> after(String id, long timestampMs, int limit) {
            StorageServices s = storage;
            return s == null ? List.of() : s.events.after(id, timestampMs, limit);
        }

        @Override
        public Long oldestTimestamp() {
            StorageServices s = storage;
            return s == null ? null : s.events.stats().oldestTimestampMs();
        }
    }

    /**
     * Steps 1–3 of FORMATS §3.1: resolve and lay out home, take the lock, load the configuration.
     *
     * @throws HomeLock.Held                         another daemon owns this home (exit 8)
     * @throws dev.aman.config.ConfigException       the configuration is invalid (exit 2)
     */
    public static Daemon prepare(Options options, Map<String, String> env, Path userHome, Clock clock) throws IOException {
        Path home = HomeDir.prepare(HomeDir.resolve(options.home(), env, userHome));
        HomeLock lock = HomeLock.acquire(home);
        try {
            ConfigLoader.Loaded loaded = new ConfigLoader(ConfigSchema.standard(), env, userHome)
                    .load(home, new ConfigLoader.Flags(options.configFile(), options.bind(), options.token()));
            writeSoulTemplateIfMissing(loaded.config());
            return new Daemon(loaded.config(), loaded.warnings(), lock, clock, env);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** FORMATS §1.2: a missing SOUL.md is created with a minimal template (atomically). */
    private static void writeSoulTemplateIfMissing(AmanConfig cfg) throws IOException {
        Path soul = cfg.path("soul.file");
        if (soul != null && !java.nio.file.Files.exists(soul)) {
            dev.aman.config.OverrideFile.atomicWrite(soul, "# aman\n\n## Identity\nA self-hosted agent runtime.\n");
        }
    }

    public AmanConfig config() {
        return initialConfig;
    }

    public ConfigService configService() {
        return config;
    }

    public List<String> warnings() {
        return warnings;
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    /** The HTTP listener could not bind its address (exit code 8). */
    public static final class ListenFailed extends AmanException {
        ListenFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Phase 0: binds the HTTP listener; throws {@link ListenFailed} when the address is taken. */
    public InetSocketAddress listen() {
        try {
            http.start();
            sse.start();
        } catch (HttpServer.BindFailed e) {
            throw new ListenFailed(e.getMessage(), e);
        }
        bound = http.address();
        return bound;
    }

    private String boundAddress() {
        var bind = config.current().http().bind();
        InetSocketAddress a = bound;
        return new dev.aman.config.HostPort(bind.host(), a == null ? bind.port() : a.getPort()).toString();
    }

    /** Walks phases 1–5; throws the startup failure. */
    public void startRuntime() throws InterruptedException {
        startMs = clock.millis();
        try {
            lifecycle.start().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Blocks until a shutdown (API or signal) completed, then stops HTTP. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
        sse.stop();
        // give the answer to POST /agent/shutdown time to leave before the listener closes (exit within 1 s)
        Thread.sleep(200);
        http.stop();
    }

    /** Registers work to do on SIGHUP (skills, soul and workflow reloads register here). */
    public void onReload(Runnable hook) {
        reloadHooks.add(hook);
    }

    /** SIGHUP: runs every reload hook; a failing hook is logged and the others still run. */
    public void reload(String trigger) {
        log.atInfo().addKeyValue("trigger", trigger).addKeyValue("hooks", reloadHooks.size()).log("reload requested");
        for (Runnable hook : reloadHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("reload hook failed");
            }
        }
    }

    /** SIGTERM/SIGINT: the same sequence as the API, audited as {@code system}. */
    public void shutdownFromSignal(String signal) {
        publish("runtime:stopping", Map.of("reason", "signal", "operator", AuditLog.SYSTEM));
        sse.runtimeChanged();
        lifecycle.shutdown(result -> auditShutdown(result, AuditLog.SYSTEM, "signal=" + signal, null))
                .whenComplete((r, e) -> stopped.countDown());
    }

    private ShutdownResult shutdownFromApi(String reason, String operator, String requestId) throws InterruptedException {
        if (!lifecycle.draining()) {
            publish("runtime:stopping", Map.of("reason", "api", "operator", operator));
        }
        try {
            return lifecycle.shutdown(result -> auditShutdown(result, operator, reason == null ? null : "reason=" + reason, requestId))
                    .whenComplete((r, e) -> stopped.countDown()).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("shutdown failed", e.getCause());
        }
    }

    private void auditShutdown(ShutdownResult r, String operator, String extra, String requestId) {
StorageServices s = storage;
        String detail = "drained=" + r.drained() + " pending=" + r.pendingDeliveries() + " drain_ms=" + r.drainMs()
                + (extra == null ? "" : " " + extra);
        if (s == null) {
            log.atInfo().addKeyValue("detail", detail).log("shutdown before storage opened; audit record only logged");
            return;
        }
        s.audit.write(operator, "agent.shutdown", "runtime", "ok", detail, requestId);
    }

    private void openStorage() {
        StorageServices s = new StorageServices(config, ids, clock, metrics.registry(), redactor::redact);
        try {
            s.bus.observe(sse::onEvent);
            s.bus.onLevelChange(c -> sse.metricsChanged());
            s.notifications.onChange(sse::notificationsChanged);
            handlers.forEach(s.bus::subscribe);
            storage = s;
            s.start();
        } catch (RuntimeException e) {
            storage = null;
            s.close();
            throw e;
        }
    }

    private void closeStorage() {
        StorageServices s = storage;
        if (s == null) {
            return;
        }
        s.close();
        storage = null;
    }

    /** Stops everything still running (used after failures and by tests); idempotent. */
    @Override
    public void close() {
        sse.stop();
        http.stop();
        closeStorage();
        lock.close();
    }

    private static String versionOf() {
        String v = Daemon.class.getPackage().getImplementationVersion();
        return v == null ? "1.0.0" : v;
    }
}
