package dev.aman.bus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.config.AmanConfig;
import dev.aman.ids.UuidV7;
import dev.aman.json.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus: admission, journal, dispatch to handlers, retries and dead-lettering (FORMATS §4.2).
 *
 * <p>Design. A publication is validated and checked against backpressure, then handed to the
 * {@link JournalWriter}; guaranteed events are answered only after their batch committed. On commit each
 * matching handler gets a delivery task. Tasks of one (handler, source) pair form a lane: only the lane's
 * head waits in the shared ready queue, so same-source events start in admission order per handler, while
 * the ready queue orders heads by priority, then admission sequence. {@code event_bus.workers} threads
 * take tasks. An event counts in its priority's queue depth from admission until all its deliveries
 * started; the fill ratio of those depths gives the backpressure level. A failed attempt is retried after
 * an exponential, jittered delay (outside its lane); the last failure writes one DLQ entry for that handler
 * in the same transaction as the delivery's new state. Exactly-once deliveries record each attempt
 * durably before the handler runs; after a crash such an interrupted attempt is dead-lettered instead of
 * replayed, so an exactly-once event never reaches a handler twice.
 *
 * <p>Thread-safety: all shared state is in concurrent collections, atomics or guarded by each lane's lock.
 */
public final class EventBus {
    private static final Logger log = LoggerFactory.getLogger(EventBus.class);

    /** Who publishes: external admissions are refused at level 3+, internal follow-ups are not. */
    public enum Origin { EXTERNAL, INTERNAL }

    /** A follow-up would exceed {@code event_bus.max_chain_depth} ({@code cycle_limit}). */
    public static final class ChainTooDeep extends dev.aman.AmanException {
        public ChainTooDeep(int depth) {
            super("cycle_limit: chain depth " + depth + " exceeds event_bus.max_chain_depth");
        }
    }

    /** A DLQ retry found its entry already retried, discarded or expired. */
    public static final class DlqEntryGone extends dev.aman.AmanException {
        public DlqEntryGone(String dlqId) {
            super("not found: dlq entry " + dlqId);
        }
    }

    /** A dead-lettered delivery, for the DLQ service's notification and event. */
    public record DeadLettered(String dlqId, Event event, String handler, String reason, String lastError, int attempts) {
    }

    /** A change of the backpressure level. */
    public record LevelChange(int from, int to, double fillRatio, Map<Priority, Integer> depth) {
    }

    private final EventStore store;
    private final JournalWriter journal;
    private final Supplier<AmanConfig> config;
    private final UuidV7 ids;
    private final Clock clock;
    private final List<EventHandler> handlers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Event>> observers = new CopyOnWriteArrayList<>();
    private final List<Consumer<DeadLettered>> deadLetterListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<LevelChange>> levelListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Priority, AtomicInteger> depth = new EnumMap<>(Priority.class);
    private final ConcurrentHashMap<String, Progress> progress = new ConcurrentHashMap<>();
    private final PriorityBlockingQueue<Task> ready = new PriorityBlockingQueue<>();
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicInteger retryDepth = new AtomicInteger();
    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicInteger level = new AtomicInteger();
    private final ReentrantLock levelLock = new ReentrantLock();
    private final Metrics metrics;
    private final SpillStore spill;
    private final java.util.concurrent.atomic.AtomicBoolean replaying = new java.util.concurrent.atomic.AtomicBoolean();
    private final List<Thread> workers = new ArrayList<>();
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    public EventBus(EventStore store, Supplier<AmanConfig> config, UuidV7 ids, Clock clock, MeterRegistry registry,
                    java.nio.file.Path overflowDir) {
        this.store = store;
        this.spill = new SpillStore(overflowDir);
        this.config = config;
        this.ids = ids;
        this.clock = clock;
        for (Priority p : Priority.values()) {
            depth.put(p, new AtomicInteger());
        }
        this.journal = new JournalWriter(store, clock, this::committed);
        this.metrics = new Metrics(registry);
    }

    // ---- wiring ----

    public void subscribe(EventHandler handler) {
        handlers.removeIf(h -> h.id().equals(handler.id()));
        handlers.add(handler);
    }

    public void unsubscribe(String handlerId) {
        handlers.removeIf(h -> h.id().equals(handlerId));
    }

    public boolean hasHandler(String handlerId) {
        return handlers.stream().anyMatch(h -> h.id().equals(handlerId));
    }

    /** Observers (SSE, metrics) see every admitted, non-dropped event in admission order; they must not block. */
    public void observe(Consumer<Event> observer) {
        observers.add(observer);
    }

    public void onDeadLetter(Consumer<DeadLettered> listener) {
        deadLetterListeners.add(listener);
    }

    public void onLevelChange(Consumer<LevelChange> listener) {
        levelListeners.add(listener);
    }

    public EventStore store() {
        return store;
    }

    // ---- lifecycle ----

    /** Starts the journal and workers and replays every unacknowledged delivery (phase 1 recovery). */
    public int start() {
        running = true;
        journal.start();
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bus-retry").daemon().factory());
        int workerCount = config.get().intValue("event_bus.workers");
        for (int i = 0; i < workerCount; i++) {
            workers.add(Thread.ofVirtual().name("bus-delivery-" + i).start(this::workLoop));
        }
        int requeued = recover();
        scheduleSpillReplay();
        // events spilled because one queue was at capacity (level < 3) have no level crossing to wait for
        scheduler.scheduleWithFixedDelay(() -> {
            if (level.get() < 3 && !spill.files().isEmpty()) {
                scheduleSpillReplay();
            }
        }, 1, 1, TimeUnit.SECONDS);
        return requeued;
    }

    private void scheduleSpillReplay() {
        if (scheduler != null && !scheduler.isShutdown() && replaying.compareAndSet(false, true)) {
            scheduler.execute(this::replaySpilled);
        }
    }

    /** Re-admits spilled events oldest first while the level stays below 3. */
    private void replaySpilled() {
        try {
            for (java.nio.file.Path f : spill.files()) {
                if (!running || level.get() >= 3) {
                    return;
                }
                try {
                    Event e = spill.read(f);
                    AmanConfig c = config.get();
                    if (depth.get(e.priority()).get() >= c.longValue("event_bus.queues." + e.priority().wire())) {
                        return; // its queue is still at capacity: keep the order, try again later
                    }
                    admit(e, null, null, c);
                    spill.remove(f);
                } catch (java.io.IOException | RuntimeException ex) {
                    log.atWarn().addKeyValue("file", f.getFileName().toString()).setCause(ex).log("spilled event not replayed");
                    return;
                }
            }
        } finally {
            replaying.set(false);
        }
    }

    public int spilledEvents() {
        return spill.count();
    }

    private int recover() {
        int dropped = store.dropOpenAtMostOnce();
        int requeued = 0;
        for (Map.Entry<Event, List<DeliveryRecord>> e : store.openDeliveries().entrySet()) {
            Event event = e.getKey();
            List<Task> tasks = new ArrayList<>();
            for (DeliveryRecord d : e.getValue()) {
                if (event.delivery() == DeliveryMode.EXACTLY_ONCE && d.attempts() > 0 && d.status() == DeliveryStatus.PENDING) {
                    deadLetter(new Task(event, d.handler(), d.attempts(), 0), "non_retryable",
                            "interrupted: the daemon stopped during attempt " + d.attempts()
                                    + "; not replayed so that an exactly_once event is never delivered twice");
                    continue;
                }
                tasks.add(new Task(event, d.handler(), d.attempts(), sequence.incrementAndGet()));
            }
            if (!tasks.isEmpty()) {
                dispatch(event, tasks);
            }
            requeued += tasks.size();
        }
        if (dropped > 0 || requeued > 0) {
            log.atInfo().addKeyValue("requeued", requeued).addKeyValue("dropped_at_most_once", dropped)
                    .log("bus recovery");
        }
        return requeued;
    }

    /**
     * Waits until every queued delivery started and none runs, at most {@code timeout}.
     *
     * @return guaranteed deliveries still open (they stay in the journal and are replayed at the next start)
     */
    public long drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && (queuedEvents() > 0 || inflight.get() > 0 || journal.backlog() > 0)) {
            Thread.sleep(20);
        }
        return openGuaranteed();
    }

    /** Stops workers (running handlers are interrupted; their deliveries stay open) and flushes the journal. */
    public void stop() {
        running = false;
        workers.forEach(Thread::interrupt);
        for (Thread t : workers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.clear();
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        journal.stop();
    }

    // ---- publication ----

    /**
     * Admits an event. Guaranteed events are journalled before this returns.
     *
     * @throws BackpressureRefused an external guaranteed event at level 3+, or its queue is full
     * @throws ChainTooDeep        a follow-up deeper than {@code event_bus.max_chain_depth}
     */
    public Admission publish(EventDraft draft, Origin origin) {
        AmanConfig c = config.get();
        if (draft.chainDepth() > c.intValue("event_bus.max_chain_depth")) {
            metrics.discarded("chain_depth");
            throw new ChainTooDeep(draft.chainDepth());
        }
        Event event = build(draft, c);
        int lvl = level.get();
        Priority priority = event.priority();
        DeliveryMode mode = event.delivery();
        boolean queueFull = depth.get(priority).get() >= c.longValue("event_bus.queues." + priority.wire());
        if (!mode.guaranteed()) {
            if (lvl >= 1) {
                priority = priority.demoted();
            }
            if (lvl >= 4 || (lvl >= 2 && priority == Priority.LOW) || queueFull) {
                metrics.discarded(queueFull ? "queue_full" : "backpressure");
                Event dropped = withPriority(event, priority);
                journal.append(new EventStore.Append(dropped, List.of(), DeliveryStatus.DROPPED, 0, null), !transientType(event));
                return new Admission(dropped, "dropped", false);
            }
            event = withPriority(event, priority);
        } else if ((origin == Origin.EXTERNAL && lvl >= 3) || queueFull || (origin == Origin.INTERNAL && lvl >= 4)) {
            if (origin == Origin.INTERNAL && draft.consumesDlqId() == null
                    && spill.spill(event, c.longValue("event_bus.backpressure.spill_max_bytes"))) {
                metrics.spilled();
                return new Admission(event, "pending", false);
            }
            metrics.rejected();
            throw new BackpressureRefused(Math.max(lvl, queueFull ? 4 : lvl));
        }
        return admit(event, draft.onlyHandler(), draft.consumesDlqId(), c);
    }

    /** Journals and dispatches a built event (also used to replay spilled ones). */
    private Admission admit(Event event, String onlyHandler, String consumesDlqId, AmanConfig c) {
        DeliveryMode mode = event.delivery();
        List<String> matching = matchingHandlers(event, onlyHandler);
        long window = c.longValue("event_bus.dedup.window_ms");
        CompletableFuture<EventStore.Appended> f = journal.append(
                new EventStore.Append(event, matching, DeliveryStatus.PENDING, window, consumesDlqId),
                !transientType(event));
        if (!mode.guaranteed()) {
            metrics.published(event);
            return new Admission(event, "pending", false);
        }
        EventStore.Appended appended;
        try {
            appended = f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while journalling", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("journal write failed", e.getCause());
        }
        if (appended.dlqGone()) {
            throw new DlqEntryGone(consumesDlqId);
        }
        if (appended.duplicateOf() != null) {
            metrics.duplicate();
            EventRecord first = store.find(appended.duplicateOf());
            if (first == null) {
                return new Admission(event, "pending", true);
            }
            return new Admission(first.event(), first.status().wire(), true);
        }
        metrics.published(event);
        return new Admission(event, "pending", false);
    }

    private static boolean transientType(Event e) {
        return e.eventType().equals("agent:reply_chunk");
    }

    private List<String> matchingHandlers(Event event, String only) {
        List<String> out = new ArrayList<>();
        for (EventHandler h : handlers) {
            boolean match;
            try {
                match = only != null ? h.id().equals(only) : h.matches(event);
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("handler", h.id()).setCause(e).log("handler match failed");
                match = false;
            }
            if (match) {
                out.add(h.id());
            }
        }
        if (only != null && out.isEmpty()) {
            out.add(only); // the handler vanished: the delivery is dead-lettered as handler_removed
        }
        return out.stream().sorted().toList();
    }

    private Event build(EventDraft d, AmanConfig c) {
        long now = clock.millis();
        String id = ids.next();
        Priority p = d.priority() == null ? Priority.NORMAL : d.priority();
        DeliveryMode mode = d.delivery() == null ? DeliveryMode.AT_LEAST_ONCE : d.delivery();
        Long ttl = d.ttlMs();
        if (ttl == null && c.value("event_bus.default_ttl_ms") != null) {
            ttl = c.longValue("event_bus.default_ttl_ms");
        }
        String dedup = null;
        if (mode == DeliveryMode.EXACTLY_ONCE) {
            dedup = d.dedupKey() != null ? d.dedupKey() : "sha256:" + Json.sha256Hex(d.source() + "\n" + d.eventType()
                    + "\n" + Json.canonical(d.payload()));
        }
        int maxRetries = c.intValue("event_bus.retry.max_attempts") - 1;
        EventMetadata m = new EventMetadata(d.traceId() == null ? ids.next() : d.traceId(), d.parentEventId(),
                d.retryCount(), maxRetries, ttl, d.agentId(), now, d.chainDepth(), d.workflowInstanceId(),
                d.trust() == null ? "trusted" : d.trust());
        return new Event(id, d.source(), d.eventType(), now, p, mode, dedup, d.payload(), m);
    }

    private static Event withPriority(Event e, Priority p) {
        return p == e.priority() ? e : new Event(e.id(), e.source(), e.eventType(), e.timestampMs(), p, e.delivery(),
                e.dedupKey(), e.payload(), e.metadata());
    }

    /** Runs on the journal thread, in commit order. */
    private void committed(List<EventStore.Appended> batch) {
        for (EventStore.Appended a : batch) {
            if (a.duplicateOf() != null || a.dlqGone() || a.status() == DeliveryStatus.DROPPED) {
                continue;
            }
            Event e = a.event();
            List<Task> tasks = new ArrayList<>();
            for (String h : a.handlers()) {
                tasks.add(new Task(e, h, 0, sequence.incrementAndGet()));
            }
            dispatch(e, tasks);
            for (Consumer<Event> o : observers) {
                try {
                    o.accept(e);
                } catch (RuntimeException ex) {
                    log.atWarn().setCause(ex).log("event observer failed");
                }
            }
        }
    }

    private void dispatch(Event e, List<Task> tasks) {
        if (tasks.isEmpty()) {
            metrics.delivered(); // no handler matched: delivered on admission (FORMATS §4.3)
            return;
        }
        progress.put(e.id(), new Progress(e.priority(), tasks.size(), e.delivery().guaranteed()));
        depth.get(e.priority()).incrementAndGet();
        updateLevel();
        for (Task t : tasks) {
            lanes.computeIfAbsent(t.handler + "\u0000" + e.source(), k -> new Lane()).submit(t);
        }
    }

    // ---- delivery ----

    private void workLoop() {
        while (running) {
            Task task;
            try {
                task = ready.take();
            } catch (InterruptedException e) {
                return;
            }
            if (task.lane != null) {
                task.lane.started();
            }
            started(task);
            try {
                attempt(task);
            } catch (RuntimeException e) {
                log.atError().addKeyValue("event_id", task.event.id()).addKeyValue("handler", task.handler).setCause(e)
                        .log("delivery bookkeeping failed");
            }
        }
    }

    private void started(Task task) {
        if (task.attempts > 0 && task.retry) {
            retryDepth.decrementAndGet();
            return;
        }
        Progress p = progress.get(task.event.id());
        if (p != null && p.unstarted.decrementAndGet() == 0) {
            depth.get(p.priority).decrementAndGet();
            updateLevel();
        }
    }

    private void attempt(Task task) {
        Event event = task.event;
        EventHandler handler = handlers.stream().filter(h -> h.id().equals(task.handler)).findFirst().orElse(null);
        if (handler == null) {
            deadLetter(task, "handler_removed", "handler " + task.handler + " is not available");
            return;
        }
        long now = clock.millis();
        if (event.expiredAt(now)) {
            metrics.expired();
            finish(task, DeliveryStatus.EXPIRED, task.attempts, "ttl_ms passed before the delivery started", null);
            return;
        }
        int attempt = task.attempts + 1;
        if (event.delivery() == DeliveryMode.EXACTLY_ONCE) {
            journal.update(new EventStore.DeliveryUpdate(event.id(), task.handler, DeliveryStatus.PENDING, attempt, null,
                    null, null)).join();
        }
        inflight.incrementAndGet();
        long t0 = System.nanoTime();
        String kind = handlerKind(task.handler);
        try {
            runWithTimeout(handler, event);
            metrics.attempt(kind, "ok", System.nanoTime() - t0);
            finish(task, DeliveryStatus.DELIVERED, attempt, null, null);
        } catch (TimeoutException e) {
            metrics.attempt(kind, "timeout", System.nanoTime() - t0);
            failed(task, attempt, true, "handler_timeout", "handler_timeout: attempt exceeded event_bus.handler_timeout_sec");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: the delivery stays open and is replayed
        } catch (Exception e) {
            metrics.attempt(kind, "error", System.nanoTime() - t0);
            boolean retryable = !(e instanceof HandlerFailure hf) || hf.retryable();
            String text = errorText(e);
            failed(task, attempt, retryable, retryable ? "retries_exhausted" : "non_retryable", text);
        } finally {
            inflight.decrementAndGet();
        }
    }

    private void runWithTimeout(EventHandler handler, Event event) throws Exception {
        long timeoutSec = config.get().longValue("event_bus.handler_timeout_sec");
        CompletableFuture<Void> f = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().name("bus-handler-" + handler.id()).start(() -> {
            try {
                handler.handle(event);
                f.complete(null);
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        try {
            f.get(timeoutSec, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            t.interrupt();
            throw e;
        }
    }

    private void failed(Task task, int attempt, boolean retryable, String reason, String error) {
        int maxAttempts = task.event.metadata().maxRetries() + 1;
        if (retryable && attempt < maxAttempts && running) {
            journal.update(new EventStore.DeliveryUpdate(task.event.id(), task.handler, DeliveryStatus.FAILED, attempt,
                    error, null, null));
            long delay = retryDelay(attempt + 1);
            retryDepth.incrementAndGet();
            Task retry = new Task(task.event, task.handler, attempt, sequence.incrementAndGet());
            retry.retry = true;
            scheduler.schedule(() -> ready.add(retry), delay, TimeUnit.MILLISECONDS);
            return;
        }
        deadLetter(new Task(task.event, task.handler, attempt, task.seq), reason, error);
    }

    /** Delay before attempt {@code n} (n ≥ 2): {@code min(max, base × 2^(n−2))}, times a jitter factor. */
    long retryDelay(int n) {
        AmanConfig c = config.get();
        long base = c.longValue("event_bus.retry.base_delay_ms");
        long max = c.longValue("event_bus.retry.max_delay_ms");
        double jitter = c.doubleValue("event_bus.retry.jitter");
        double d = Math.min(max, base * Math.pow(2, Math.max(0, n - 2)));
        double factor = 1 + (ThreadLocalRandom.current().nextDouble() * 2 - 1) * jitter;
        return Math.max(1, (long) (d * factor));
    }

    private void deadLetter(Task task, String reason, String error) {
        long now = clock.millis();
        AmanConfig c = config.get();
        String dlqId = ids.next();
        String lastError = error.length() > 2000 ? error.substring(0, 2000) : error;
        var dlq = new EventStore.DlqWrite(dlqId, task.event, task.handler, reason, lastError, task.attempts, now,
                now + Duration.ofDays(c.longValue("dlq.ttl_days")).toMillis());
        finish(task, DeliveryStatus.DEAD_LETTERED, task.attempts, lastError, dlq);
        metrics.deadLettered(reason);
        var dl = new DeadLettered(dlqId, task.event, task.handler, reason, lastError, task.attempts);
        for (Consumer<DeadLettered> l : deadLetterListeners) {
            try {
                l.accept(dl);
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("dead-letter listener failed");
            }
        }
        log.atWarn().addKeyValue("event_id", task.event.id()).addKeyValue("handler", task.handler)
                .addKeyValue("reason", reason).log("delivery dead-lettered");
    }

    private void finish(Task task, DeliveryStatus status, int attempts, String error, EventStore.DlqWrite dlq) {
        CompletableFuture<Void> written = journal.update(new EventStore.DeliveryUpdate(task.event.id(), task.handler,
                status, attempts, error, clock.millis(), dlq));
        // The acknowledgement of an at-least-once delivery is group-committed without holding the worker: if
        // the daemon dies first, the delivery is replayed, which at-least-once allows. DLQ entries and
        // exactly-once outcomes are waited for, so that what listeners and recovery see is on disk.
        if (dlq != null || task.event.delivery() == DeliveryMode.EXACTLY_ONCE) {
            written.join();
        }
        Progress p = progress.get(task.event.id());
        if (p != null) {
            if (status != DeliveryStatus.DELIVERED) {
                p.allDelivered = false;
            }
            if (p.open.decrementAndGet() == 0) {
                progress.remove(task.event.id());
                if (p.allDelivered) {
                    metrics.delivered();
                }
            }
        }
    }

    private static String errorText(Exception e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String handlerKind(String handlerId) {
        int colon = handlerId.indexOf(':');
        String kind = colon < 0 ? handlerId : handlerId.substring(0, colon);
        return switch (kind) {
            case "skill", "workflow", "agent", "notifications", "im" -> kind;
            default -> "other";
        };
    }

    // ---- backpressure ----

    private void updateLevel() {
        AmanConfig c = config.get();
        double ratio = fillRatio(c);
        int next;
        if (ratio >= c.doubleValue("event_bus.backpressure.l4")) {
            next = 4;
        } else if (ratio >= c.doubleValue("event_bus.backpressure.l3")) {
            next = 3;
        } else if (ratio >= c.doubleValue("event_bus.backpressure.l2")) {
            next = 2;
        } else if (ratio >= c.doubleValue("event_bus.backpressure.l1")) {
            next = 1;
        } else {
            next = 0;
        }
        int prev;
        levelLock.lock();
        try {
            prev = level.getAndSet(next);
        } finally {
            levelLock.unlock();
        }
        if (prev != next && next < 3 && prev >= 3) {
            scheduleSpillReplay();
        }
        if (prev != next) {
            Map<Priority, Integer> d = new EnumMap<>(Priority.class);
            depth.forEach((k, v) -> d.put(k, v.get()));
            LevelChange change = new LevelChange(prev, next, ratio, d);
            for (Consumer<LevelChange> l : levelListeners) {
                try {
                    l.accept(change);
                } catch (RuntimeException e) {
                    log.atWarn().setCause(e).log("backpressure listener failed");
                }
            }
        }
    }

    public double fillRatio() {
        return fillRatio(config.get());
    }

    private double fillRatio(AmanConfig c) {
        long cap = 0;
        long used = 0;
        for (Priority p : Priority.values()) {
            cap += c.longValue("event_bus.queues." + p.wire());
            used += depth.get(p).get();
        }
        return cap == 0 ? 0 : (double) used / cap;
    }

    public int level() {
        return level.get();
    }

    public int depth(Priority p) {
        return depth.get(p).get();
    }

    public int queuedEvents() {
        return depth.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public int retryDepth() {
        return retryDepth.get();
    }

    public int inflight() {
        return inflight.get();
    }

    public int subscriptions() {
        return handlers.size();
    }

    public Metrics metrics() {
        return metrics;
    }

    private long openGuaranteed() {
        return progress.values().stream().filter(p -> p.guaranteed).mapToLong(p -> p.open.get()).sum();
    }

    // ---- internals ----

    /** Per-event bookkeeping: deliveries not yet started and not yet finished. */
    private static final class Progress {
        final Priority priority;
        final AtomicInteger unstarted;
        final AtomicInteger open;
        final boolean guaranteed;
        volatile boolean allDelivered = true;

        Progress(Priority priority, int deliveries, boolean guaranteed) {
            this.priority = priority;
            this.unstarted = new AtomicInteger(deliveries);
            this.open = new AtomicInteger(deliveries);
            this.guaranteed = guaranteed;
        }
    }

    /** One delivery attempt waiting for a worker; ordered by priority, then admission sequence. */
    private static final class Task implements Comparable<Task> {
        final Event event;
        final String handler;
        final int attempts;
        final long seq;
        Lane lane;
        boolean retry;

        Task(Event event, String handler, int attempts, long seq) {
            this.event = event;
            this.handler = handler;
            this.attempts = attempts;
            this.seq = seq;
        }

        @Override
        public int compareTo(Task o) {
            int c = Integer.compare(event.priority().ordinal(), o.event.priority().ordinal());
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** Keeps one (handler, source) pair's deliveries starting in admission order. */
    private final class Lane {
        private final ReentrantLock lock = new ReentrantLock();
        private final ArrayDeque<Task> waiting = new ArrayDeque<>();
        private boolean headQueued;

        void submit(Task t) {
            t.lane = this;
            lock.lock();
            try {
                if (headQueued) {
                    waiting.add(t);
                    return;
                }
                headQueued = true;
            } finally {
                lock.unlock();
            }
            ready.add(t);
        }

        void started() {
            Task next;
            lock.lock();
            try {
                next = waiting.poll();
                if (next == null) {
                    headQueued = false;
                    return;
                }
            } finally {
                lock.unlock();
            }
            ready.add(next);
        }
    }

    /**
     * Creates every bus counter whose labels come from fixed sets, at 0, so that they are exported from
     * phase 0 (API.md §22). Gauges are registered once by the daemon over whichever bus is running, so a
     * restart of the runtime never leaves a gauge bound to a stopped bus.
     */
    public static void preregister(MeterRegistry registry) {
        for (Priority p : Priority.values()) {
            for (DeliveryMode d : DeliveryMode.values()) {
                registry.counter("aman_events_published", "priority", p.wire(), "delivery", d.wire());
            }
        }
        for (String r : List.of("backpressure", "queue_full", "chain_depth")) {
            registry.counter("aman_events_discarded", "reason", r);
        }
        for (String r : List.of("retries_exhausted", "non_retryable", "handler_timeout", "handler_removed")) {
            registry.counter("aman_dlq_entries", "reason", r);
        }
        for (String k : List.of("skill", "workflow", "agent", "notifications", "im")) {
            for (String res : List.of("ok", "error", "timeout")) {
                registry.counter("aman_event_handler_attempts", "handler_kind", k, "result", res);
            }
        }
        for (String c : List.of("aman_events_delivered", "aman_events_duplicate", "aman_events_expired",
                "aman_backpressure_rejections", "aman_events_spilled", "aman_rate_limited", "aman_dlq_retries",
                "aman_dlq_discards", "aman_dlq_expired")) {
            registry.counter(c);
        }
    }

    /** The bus families of API.md §22. */
    public final class Metrics {
        private final MeterRegistry registry;
        private final Counter delivered;
        private final Counter duplicates;
        private final Counter expired;
        private final Counter rejected;
        private final Counter spilled;
        private final AtomicLong publishedTotal = new AtomicLong();
        private final AtomicLong deliveredTotal = new AtomicLong();
        private final AtomicLong discardedTotal = new AtomicLong();
        private final AtomicLong duplicateTotal = new AtomicLong();
        private final AtomicLong expiredTotal = new AtomicLong();
        private final AtomicLong deadLetteredTotal = new AtomicLong();

        Metrics(MeterRegistry registry) {
            this.registry = registry;
            preregister(registry);
            delivered = registry.counter("aman_events_delivered");
            duplicates = registry.counter("aman_events_duplicate");
            expired = registry.counter("aman_events_expired");
            rejected = registry.counter("aman_backpressure_rejections");
            spilled = registry.counter("aman_events_spilled");
        }

        void spilled() {
            spilled.increment();
        }

        void published(Event e) {
            publishedTotal.incrementAndGet();
            registry.counter("aman_events_published", "priority", e.priority().wire(), "delivery", e.delivery().wire())
                    .increment();
        }

        void discarded(String reason) {
            discardedTotal.incrementAndGet();
            registry.counter("aman_events_discarded", "reason", reason).increment();
        }

        void duplicate() {
            duplicateTotal.incrementAndGet();
            duplicates.increment();
        }

        void expired() {
            expiredTotal.incrementAndGet();
            expired.increment();
        }

        void rejected() {
            rejected.increment();
        }

        void delivered() {
            deliveredTotal.incrementAndGet();
            delivered.increment();
        }

        void deadLettered(String reason) {
            deadLetteredTotal.incrementAndGet();
            registry.counter("aman_dlq_entries", "reason", reason).increment();
        }

        void attempt(String kind, String result, long nanos) {
            registry.counter("aman_event_handler_attempts", "handler_kind", kind, "result", result).increment();
            Timer.builder("aman_event_handler_duration").tag("handler_kind", kind).register(registry)
                    .record(Duration.ofNanos(nanos));
        }

        public long publishedTotal() {
            return publishedTotal.get();
        }

        public long deliveredTotal() {
            return deliveredTotal.get();
        }

        public long discardedTotal() {
            return discardedTotal.get();
        }

        public long duplicateTotal() {
            return duplicateTotal.get();
        }

        public long expiredTotal() {
            return expiredTotal.get();
        }

        public long deadLetteredTotal() {
            return deadLetteredTotal.get();
        }
    }

    /** Builds a JSON payload quickly for system events. */
    public static JsonNode payload(Object value) {
        return Json.mapper().valueToTree(value);
    }
}
