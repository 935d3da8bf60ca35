package dev.aman;

import dev.aman.audit.AuditLog;
import dev.aman.bus.BackpressureRefused;
import dev.aman.bus.EventBus;
import dev.aman.bus.EventDraft;
import dev.aman.bus.EventStore;
import dev.aman.config.ConfigService;
import dev.aman.dlq.DlqService;
import dev.aman.http.idempotency.IdempotencyStore;
import dev.aman.ids.UuidV7;
import dev.aman.json.Json;
import dev.aman.notify.NewNotification;
import dev.aman.notify.NotificationService;
import dev.aman.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services that live on an open store, from phase 1 until shutdown closes it: audit, idempotency,
 * the event bus with its DLQ and notifications, and their housekeeping. Built by {@link Daemon} when the
 * runtime enters phase 1; it wires the bus's listeners (dead letters → DLQ notification and event,
 * backpressure changes → event, audit and notification) here so that Daemon stays a plain graph builder.
 *
 * <p>Listeners triggered on the bus's journal thread run on {@link #aux} so that they may publish.
 */
final class StorageServices implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StorageServices.class);

    final Store store;
    final AuditLog audit;
    final IdempotencyStore idempotency;
    final EventStore events;
    final EventBus bus;
    final DlqService dlq;
    final NotificationService notifications;
    private final ConfigService config;
    private final ExecutorService aux = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService housekeeping =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("aman-housekeeping").daemon().factory());
    private final Clock clock;

    StorageServices(ConfigService config, UuidV7 ids, Clock clock, MeterRegistry metrics,
                    java.util.function.UnaryOperator<String> redactor) {
        this.config = config;
        this.clock = clock;
        this.store = Store.open(config.current().storage());
        try {
            this.audit = new AuditLog(store, ids, clock, metrics, redactor);
            this.idempotency = new IdempotencyStore(store, config.current().storage().nodeId());
            this.events = new EventStore(store);
            this.bus = new EventBus(events, config::current, ids, clock, metrics,
                    config.current().dataDir().resolve("overflow"));
            this.dlq = new DlqService(store, bus, config::current, clock, metrics);
            this.notifications = new NotificationService(store, ids, clock, config::current, metrics);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        bus.onDeadLetter(dl -> aux.execute(() -> deadLettered(dl)));
        bus.onLevelChange(change -> aux.execute(() -> levelChanged(change)));
        notifications.onCreated(n -> aux.execute(() -> publish("notification:created",
                Map.of("id", n.id(), "severity", n.severity(), "category", n.category(), "title", n.title()))));
    }

    /** Starts the bus (replaying unacknowledged deliveries) and the housekeeping timers; returns requeued. */
    int start() {
        int cleared = idempotency.clearRunning();
        int requeued = bus.start();
        audit.system("runtime.recovery", "runtime", "ok", "requeued=" + requeued + " replayed=" + requeued
                + " interrupted_turns=0");
        housekeeping.scheduleWithFixedDelay(this::hourly, 1, 60, TimeUnit.MINUTES);
        housekeeping.scheduleWithFixedDelay(this::evictEvents, 0, 60, TimeUnit.SECONDS);
        log.atInfo().addKeyValue("backend", store.dialect().label()).addKeyValue("requeued", requeued)
                .addKeyValue("cleared_idempotency", cleared).log("storage open");
        return requeued;
    }

    /** Events in the store (one COUNT per scrape; cheap next to the scrape itself). */
    long eventCount() {
        try {
            return events.stats().events();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Publishes a system event (source {@code runtime}); refusals are logged, never thrown. */
    void publish(String type, Map<String, ?> payload) {
        try {
            bus.publish(EventDraft.system(type, Json.mapper().valueToTree(payload)), EventBus.Origin.INTERNAL);
        } catch (BackpressureRefused | EventBus.ChainTooDeep e) {
            log.atWarn().addKeyValue("event_type", type).log("system event refused: " + e.getMessage());
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("event_type", type).setCause(e).log("system event not published");
        }
    }

    private void deadLettered(EventBus.DeadLettered dl) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dlq_id", dl.dlqId());
        p.put("event_id", dl.event().id());
        p.put("event_type", dl.event().eventType());
        p.put("handler", dl.handler());
        p.put("reason", dl.reason());
        p.put("attempts", dl.attempts());
        p.put("last_error", dl.lastError());
        publish("dlq:enqueued", p);
        if (config.current().bool("dlq.notify")) {
            notifications.raise(new NewNotification("warning", "dlq", "Event dead-lettered",
                    "Handler " + dl.handler() + " gave up on " + dl.event().eventType() + " after " + dl.attempts()
                            + " attempts", "Open DLQ", "/dlq", dl.event().id(), "runtime", true));
        }
        int purged = dlq.enforceCapacity();
        if (purged > 0) {
            notifications.raise(NewNotification.of("warning", "dlq", "Dead-letter queue full",
                    purged + " oldest entries were purged (dlq.max_entries)", "/dlq", "Open DLQ"));
        }
    }

    private void levelChanged(EventBus.LevelChange c) {
        Map<String, Object> depth = new LinkedHashMap<>();
        c.depth().forEach((p, n) -> depth.put(p.wire(), n));
        publish("backpressure_changed", Map.of("from_level", c.from(), "to_level", c.to(), "fill_ratio", c.fillRatio(),
                "depth", depth));
        audit.system("backpressure.change", "runtime", "ok",
                "level " + c.from() + " → " + c.to() + " fill_ratio=" + String.format(java.util.Locale.ROOT, "%.4f", c.fillRatio()));
        int min = config.current().intValue("notifications.backpressure_min_level");
        if (c.to() >= min && c.to() > c.from()) {
            notifications.raise(NewNotification.of(c.to() >= 4 ? "critical" : "warning", "backpressure",
                    "Event bus backpressure level " + c.to(), "Queue fill ratio reached "
                            + String.format(java.util.Locale.ROOT, "%.2f", c.fillRatio()), "/metrics", "Open metrics"));
        }
    }

    private void hourly() {
        try {
            audit.purgeExpired();
            idempotency.purgeExpired(clock.millis());
            events.purgeDedup(clock.millis());
            int expired = dlq.purgeExpired();
            if (expired > 0) {
                publish("dlq:expired", Map.of("count", expired));
                audit.system("dlq.expire", "dlq", "ok", "count=" + expired);
            }
            notifications.purge();
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("housekeeping failed");
        }
    }

    private void evictEvents() {
        try {
            events.evict(config.current().longValue("event_bus.store.max_events"));
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("event store eviction failed");
        }
    }

    /** Stops the bus (open deliveries stay journalled), timers, then checkpoints and closes the store. */
    @Override
    public void close() {
        housekeeping.shutdownNow();
        bus.stop();
        aux.shutdown();
        try {
            aux.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        audit.close();
        try {
            store.checkpoint();
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("checkpoint failed");
        }
        store.close();
        log.info("storage closed");
    }
}
