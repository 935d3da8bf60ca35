package dev.aman;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.aman.http.routes.AuditRoutes;
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
import dev.aman.store.Store;
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

    private final AmanConfig initialConfig;
    private final ConfigService config;
    private final HomeLock lock;
    private final Clock clock;
    private final UuidV7 ids;
    private final Lifecycle lifecycle;
    private final Metrics metrics;
    private final HttpServer http;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<String> warnings;
    private final List<Runnable> reloadHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Storage storage;
    private volatile InetSocketAddress bound;

    /** What {@code aman run} was told on its command line. */
    public record Options(String home, Path configFile, String bind, String token) {
    }

    /** Storage-backed services, alive from phase 1 until shutdown closes the store. */
    private record Storage(Store store, AuditLog audit, IdempotencyStore idempotency, ScheduledExecutorService housekeeping) {
    }

    private Daemon(AmanConfig cfg, List<String> warnings, HomeLock lock, Clock clock) {
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
        lifecycle.register(Phase.STORAGE, PhaseHook.of("storage", this::openStorage, t -> closeStorage()));
        StorageAccess access = new StorageAccess() {
            @Override
            public AuditLog audit() {
                Storage s = storage;
                return s == null ? null : s.audit();
            }

            @Override
            public IdempotencyStore idempotency() {
                Storage s = storage;
                return s == null ? null : s.idempotency();
            }
        };
        this.http = new HttpServer(config, lifecycle, access, ids, clock, metrics.registry(), List.of(
                new HealthRoutes(lifecycle, metrics, List::of),
                new RuntimeRoutes(lifecycle, config, this::shutdownFromApi, VERSION, this::boundAddress),
                new AuditRoutes(access::audit),
                new ConfigRoutes(config),
                new DebugRoutes(lifecycle, clock, List.of(this::debugSections))));
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
            return new Daemon(loaded.config(), loaded.warnings(), lock, clock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
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
        try {
            lifecycle.start().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Blocks until a shutdown (API or signal) completed, then stops HTTP. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
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
        lifecycle.shutdown(result -> auditShutdown(result, AuditLog.SYSTEM, "signal=" + signal, null))
                .whenComplete((r, e) -> stopped.countDown());
    }

    private ShutdownResult shutdownFromApi(String reason, String operator, String requestId) throws InterruptedException {
        try {
            return lifecycle.shutdown(result -> auditShutdown(result, operator, reason == null ? null : "reason=" + reason, requestId))
                    .whenComplete((r, e) -> stopped.countDown()).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("shutdown failed", e.getCause());
        }
    }

    private void auditShutdown(ShutdownResult r, String operator, String extra, String requestId) {
        Storage s = storage;
        String detail = "drained=" + r.drained() + " pending=" + r.pendingDeliveries() + " drain_ms=" + r.drainMs()
                + (extra == null ? "" : " " + extra);
        if (s == null) {
            log.atInfo().addKeyValue("detail", detail).log("shutdown before storage opened; audit record only logged");
            return;
        }
        s.audit().write(operator, "agent.shutdown", "runtime", "ok", detail, requestId);
    }

    private void openStorage() {
        AmanConfig cfg = config.current();
        Store store = Store.open(cfg.storage());
        try {
            AuditLog audit = new AuditLog(store, ids, clock, metrics.registry());
            IdempotencyStore idempotency = new IdempotencyStore(store, cfg.storage().nodeId());
            int cleared = idempotency.clearRunning();
            ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("aman-housekeeping").daemon().factory());
            housekeeping.scheduleWithFixedDelay(() -> housekeep(audit, idempotency), 1, 60, TimeUnit.MINUTES);
            storage = new Storage(store, audit, idempotency, housekeeping);
            log.atInfo().addKeyValue("backend", store.dialect().label()).addKeyValue("cleared_idempotency", cleared)
                    .log("storage open");
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void housekeep(AuditLog audit, IdempotencyStore idempotency) {
        try {
            audit.purgeExpired();
            idempotency.purgeExpired(clock.millis());
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("housekeeping failed");
        }
    }

    private void closeStorage() {
        Storage s = storage;
        storage = null;
        if (s == null) {
            return;
        }
        s.housekeeping().shutdownNow();
        try {
            s.store().checkpoint();
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("checkpoint failed");
        }
        s.store().close();
        log.info("storage closed");
    }

    /** Subsystems not built yet report zeros (API.md §19.2 allows it); storage-backed counts are real. */
    private void debugSections(ObjectNode out) {
        ObjectNode bus = out.putObject("bus");
        ObjectNode depth = bus.putObject("queue_depth");
        ObjectNode capacity = bus.putObject("queue_capacity");
        AmanConfig c = config.current();
        for (String p : List.of("high", "normal", "low")) {
            depth.put(p, 0);
            capacity.put(p, c.longValue("event_bus.queues." + p));
        }
        bus.put("fill_ratio", 0.0).put("backpressure_level", 0).put("retry_queue_depth", 0).put("subscriptions", 0)
                .put("published_total", 0).put("delivered_total", 0).put("discarded_total", 0).put("duplicate_total", 0)
                .put("expired_total", 0).put("dead_lettered_total", 0).put("spilled_events", 0).put("journal_pending", 0);
        out.putObject("inflight").put("handlers", 0).put("skills", 0).put("workflow_actions", 0).put("turns", 0)
                .put("tool_calls", 0);
        out.putObject("dlq").put("depth", 0).putNull("oldest_enqueued_at_ms");
        out.putObject("event_store").put("events", 0).put("capacity", c.longValue("event_bus.store.max_events"))
                .putNull("oldest_timestamp_ms");
        out.putArray("sources");
        out.putObject("cron").put("jobs", 0).put("leader", true).putNull("scheduler_heartbeat_at_ms");
        out.putArray("plugins");
        out.putArray("agents");
        out.putObject("sessions").put("open", 0).put("processing", 0);
        out.put("tool_approvals_pending", 0);
        out.putObject("sse").put("clients", 0).put("anonymous_clients", 0).put("dropped_total", 0);
        Storage s = storage;
        long keys = 0;
        if (s != null) {
            try {
                keys = s.idempotency().count(clock.millis());
            } catch (RuntimeException e) {
                log.atDebug().setCause(e).log("idempotency count unavailable");
            }
        }
        out.put("idempotency_keys", keys);
    }

    /** Stops everything still running (used after failures and by tests); idempotent. */
    @Override
    public void close() {
        http.stop();
        closeStorage();
        lock.close();
    }

    private static String versionOf() {
        String v = Daemon.class.getPackage().getImplementationVersion();
        return v == null ? "1.0.0" : v;
    }
}
