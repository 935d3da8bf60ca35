package dev.aman.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the runtime state machine of API.md §1.17.
 *
 * <p>Design: {@code lifecycle} moves {@code not_started → starting → ready → draining → stopped}; a failed
 * start unwinds to {@code not_started} and may be retried; a shutdown is final. At most one start and one
 * shutdown are in flight; concurrent callers share the in-flight {@link CompletableFuture}. Phases are
 * entered by running the hooks registered for them in registration order and left by stopping every
 * started hook in reverse order. The fields read by status endpoints are volatile; transitions happen
 * under {@link #lock}, which is never held while hooks run.
 */
public final class Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final Clock clock;
    private final String version;
    private final String nodeId;
    private final Supplier<Duration> startupTimeout;
    private final Supplier<Duration> drainTimeout;
    private final long processStartMs;
    private final Map<Phase, List<PhaseHook>> hooks = new EnumMap<>(Phase.class);
    private final List<DrainHook> drainHooks = new CopyOnWriteArrayList<>();
    private final List<Consumer<Phase>> phaseListeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();

    /** Hooks whose start() succeeded, in start order; stopped in reverse. Guarded by {@link #lock}. */
    private final List<StartedHook> started = new ArrayList<>();
    private volatile Phase phase = Phase.PROCESS;
    private volatile String lifecycle = "not_started";
    private volatile boolean draining;
    private volatile boolean finished;
    private volatile Long startedAtMs;
    private volatile Long readyAtMs;
    private CompletableFuture<StartOutcome> startInFlight;
    private CompletableFuture<ShutdownResult> shutdownInFlight;
    private volatile Thread startThread;

    private record StartedHook(Phase phase, PhaseHook hook) {
    }

    /** Result of a start: the status reached, the phase it began from and how long it took. */
    public record StartOutcome(RuntimeStatus status, int fromPhase, long durationMs, boolean unchanged) {
    }

    public Lifecycle(Clock clock, String version, String nodeId, Supplier<Duration> startupTimeout,
                     Supplier<Duration> drainTimeout) {
        this.clock = clock;
        this.version = version;
        this.nodeId = nodeId;
        this.startupTimeout = startupTimeout;
        this.drainTimeout = drainTimeout;
        this.processStartMs = clock.millis();
        for (Phase p : Phase.values()) {
            hooks.put(p, new CopyOnWriteArrayList<>());
        }
    }

    /** Registers a component into a phase (1–5). Hooks registered later in a phase start later. */
    public void register(Phase phase, PhaseHook hook) {
        if (phase == Phase.PROCESS) {
            throw new IllegalArgumentException("phase 0 has no hooks");
        }
        hooks.get(phase).add(hook);
    }

    public void onDrain(DrainHook hook) {
        drainHooks.add(hook);
    }

    /** Called on every phase change (the event bus publishes {@code runtime:phase_changed}). */
    public void onPhaseChange(Consumer<Phase> listener) {
        phaseListeners.add(listener);
    }

    public Phase phase() {
        return phase;
    }

    public boolean draining() {
        return draining;
    }

    /** Phase 5 and no shutdown in progress. */
    public boolean ready() {
        return phase == Phase.READY && !draining;
    }

    /** A shutdown has completed; the process is about to exit. */
    public boolean finished() {
        return finished;
    }

    public String lifecycleName() {
        return lifecycle;
    }

    public RuntimeStatus status() {
        Phase p = phase;
        return new RuntimeStatus(p.number(), p.label(), lifecycle, p == Phase.READY && !draining, !finished,
                draining, startedAtMs, readyAtMs, clock.millis() - processStartMs, version, nodeId);
    }

    /**
     * Walks to phase 5. Already ready: completes at once ({@code unchanged}). A start in progress: returns
     * its future. The future fails with {@link StartupException}.
     */
    public CompletableFuture<StartOutcome> start() {
        lock.lock();
        try {
            if (shutdownInFlight != null) {
                return CompletableFuture.failedFuture(new StartupException(StartupException.Kind.SHUTTING_DOWN, phase.number(),
                        "invalid state transition: runtime is shutting down", null));
            }
            if (phase == Phase.READY) {
                return CompletableFuture.completedFuture(new StartOutcome(status(), 5, 0, true));
            }
            if (startInFlight != null) {
                return startInFlight;
            }
            CompletableFuture<StartOutcome> future = new CompletableFuture<>();
            startInFlight = future;
            lifecycle = "starting";
            startedAtMs = clock.millis();
            Thread t = Thread.ofPlatform().name("aman-startup").daemon().unstarted(() -> runStart(future));
            startThread = t;
            t.start();
            Thread.ofVirtual().name("aman-startup-watchdog").start(() -> watchStart(t, future));
            return future;
        } finally {
            lock.unlock();
        }
    }

    private void watchStart(Thread startThread, CompletableFuture<StartOutcome> future) {
        try {
            startThread.join(startupTimeout.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (startThread.isAlive() && !future.isDone()) {
            int at = nextPhaseNumber();
            startThread.interrupt();
            failStart(future, at, "phase exceeded runtime.startup_timeout_sec (" + startupTimeout.get().toSeconds() + " s)", null);
        }
    }

    private int nextPhaseNumber() {
        return Math.min(5, phase.number() + 1);
    }

    private void runStart(CompletableFuture<StartOutcome> future) {
        int from = phase.number();
        long t0 = clock.millis();
        for (Phase p : Phase.values()) {
            if (p.number() <= phase.number()) {
                continue;
            }
            if (draining) {
                unwindAndFail(future, StartupException.Kind.INTERRUPTED_BY_SHUTDOWN, p.number(),
                        "invalid state transition: startup interrupted by shutdown", null);
                return;
            }
            for (PhaseHook hook : hooks.get(p)) {
                try {
                    hook.start();
                    lock.lock();
                    try {
                        started.add(new StartedHook(p, hook));
                    } finally {
                        lock.unlock();
                    }
                } catch (Exception e) {
                    if (future.isDone()) {
                        return; // the watchdog already failed this start
                    }
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    log.atError().addKeyValue("phase", p.number()).addKeyValue("hook", hook.name()).setCause(e)
                            .log("startup failed");
                    if (draining) {
                        unwindAndFail(future, StartupException.Kind.INTERRUPTED_BY_SHUTDOWN, p.number(),
                                "invalid state transition: startup interrupted by shutdown", e);
                    } else {
                        failStart(future, p.number(), hook.name() + ": " + oneLine(e), e);
                    }
                    return;
                }
            }
            if (future.isDone()) {
                return;
            }
            setPhase(p);
        }
        lock.lock();
        try {
            if (draining) {
                // a shutdown arrived after the last hook: it takes over from here
                future.completeExceptionally(new StartupException(StartupException.Kind.INTERRUPTED_BY_SHUTDOWN, 5,
                        "invalid state transition: startup interrupted by shutdown", null));
                startInFlight = null;
                return;
            }
            lifecycle = "ready";
            readyAtMs = clock.millis();
            startInFlight = null;
        } finally {
            lock.unlock();
        }
        log.atInfo().addKeyValue("duration_ms", clock.millis() - t0).log("runtime ready");
        future.complete(new StartOutcome(status(), from, clock.millis() - t0, false));
    }

    private void failStart(CompletableFuture<StartOutcome> future, int failedPhase, String reason, Throwable cause) {
        unwindAndFail(future, StartupException.Kind.FAILED, failedPhase,
                "internal error: startup failed in phase " + failedPhase + " (" + Phase.of(failedPhase).label() + "): " + reason,
                cause);
    }

    private void unwindAndFail(CompletableFuture<StartOutcome> future, StartupException.Kind kind, int failedPhase,
                               String message, Throwable cause) {
        stopStartedAbove(Phase.PROCESS, Duration.ofSeconds(10));
        lock.lock();
        try {
            startInFlight = null;
            if (kind == StartupException.Kind.FAILED) {
                lifecycle = "not_started";
                startedAtMs = null;
            }
        } finally {
            lock.unlock();
        }
        future.completeExceptionally(new StartupException(kind, failedPhase, message, cause));
    }

    /** Stops every started hook of a phase above {@code floor}, newest first, and lowers the phase. */
    private void stopStartedAbove(Phase floor, Duration perHook) {
        while (true) {
            StartedHook last;
            lock.lock();
            try {
                if (started.isEmpty() || started.get(started.size() - 1).phase().number() <= floor.number()) {
                    break;
                }
                last = started.remove(started.size() - 1);
            } finally {
                lock.unlock();
            }
            if (phase.number() > last.phase().number()) {
                setPhase(Phase.of(last.phase().number()));
            }
            try {
                last.hook().stop(perHook);
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("hook", last.hook().name()).setCause(e).log("stop failed");
            }
        }
        if (phase.number() > floor.number()) {
            setPhase(floor);
        }
    }

    private void setPhase(Phase p) {
        if (phase == p) {
            return;
        }
        phase = p;
        log.atInfo().addKeyValue("phase", p.number()).addKeyValue("phase_name", p.label()).log("phase changed");
        for (Consumer<Phase> l : phaseListeners) {
            try {
                l.accept(p);
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("phase listener failed");
            }
        }
    }

    /**
     * Drains and stops the runtime (API.md §5.2). Idempotent: a second call returns the first call's future.
     *
     * @param beforeStorageClose runs after everything else stopped and before phase 1 (storage) stops, so
     *                           that the shutdown can still be audited
     */
    public CompletableFuture<ShutdownResult> shutdown(Consumer<ShutdownResult> beforeStorageClose) {
        CompletableFuture<ShutdownResult> future;
        CompletableFuture<StartOutcome> pendingStart;
        lock.lock();
        try {
            if (shutdownInFlight != null) {
                return shutdownInFlight;
            }
            future = new CompletableFuture<>();
            shutdownInFlight = future;
            draining = true;
            lifecycle = "draining";
            pendingStart = startInFlight;
        } finally {
            lock.unlock();
        }
        log.info("shutdown requested");
        Thread.ofPlatform().name("aman-shutdown").start(() -> {
            try {
                future.complete(runShutdown(pendingStart, beforeStorageClose));
            } catch (RuntimeException | Error e) {
                log.atError().setCause(e).log("shutdown failed");
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    private ShutdownResult runShutdown(CompletableFuture<StartOutcome> pendingStart,
                                       Consumer<ShutdownResult> beforeStorageClose) {
        if (pendingStart != null) {
            try {
                pendingStart.get(startupTimeout.get().toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // the start failed or was interrupted; we stop whatever it had started
            }
        }
        ShutdownResult result;
        if (startedCount() == 0) {
            result = new ShutdownResult("stopped", 0, true, 0, 0);
            runQuietly(beforeStorageClose, result);
        } else {
            stopStartedAbove(Phase.WORKFLOWS, Duration.ofSeconds(10));
            long t0 = clock.millis();
            long pending = 0;
            Duration budget = drainTimeout.get();
            boolean drained = true;
            for (DrainHook d : drainHooks) {
                Duration left = budget.minusMillis(clock.millis() - t0);
                try {
                    long p = d.drain(left.isNegative() ? Duration.ZERO : left);
                    pending += p;
                    drained &= p == 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    drained = false;
                } catch (RuntimeException e) {
                    log.atWarn().setCause(e).log("drain hook failed");
                    drained = false;
                }
            }
            long drainMs = clock.millis() - t0;
            stopStartedAbove(Phase.STORAGE, Duration.ofSeconds(10));
            result = new ShutdownResult("stopped", 0, drained, pending, drainMs);
            runQuietly(beforeStorageClose, result);
            stopStartedAbove(Phase.PROCESS, Duration.ofSeconds(10));
        }
        lifecycle = "stopped";
        finished = true;
        log.atInfo().addKeyValue("drained", result.drained()).addKeyValue("pending", result.pendingDeliveries())
                .log("runtime stopped");
        return result;
    }

    private int startedCount() {
        lock.lock();
        try {
            return started.size();
        } finally {
            lock.unlock();
        }
    }

    private static void runQuietly(Consumer<ShutdownResult> c, ShutdownResult r) {
        if (c == null) {
            return;
        }
        try {
            c.accept(r);
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("shutdown callback failed");
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
