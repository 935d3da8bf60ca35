package dev.aman.http;

import dev.aman.bus.Event;
import dev.aman.bus.EventHandler;
import dev.aman.bus.HandlerFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake bus handler for API tests: it matches events whose type starts with a prefix and runs a script
 * per attempt (succeed, throw, block on a latch). It records every attempt. {@link #remove()} makes it
 * vanish from the bus's point of view (its id changes and it matches nothing), as a deleted skill would.
 */
final class ScriptedHandler implements EventHandler {

    /** One attempt: {@code attempt} counts from 1 per event id. Throw to fail the attempt. */
    @FunctionalInterface
    interface Script {
        void run(Event event, int attempt) throws Exception;
    }

    private final String id;
    private final String typePrefix;
    private final Script script;
    private final List<Event> calls = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private volatile boolean removed;

    ScriptedHandler(String id, String typePrefix, Script script) {
        this.id = id;
        this.typePrefix = typePrefix;
        this.script = script;
    }

    static ScriptedHandler succeeding(String id, String typePrefix) {
        return new ScriptedHandler(id, typePrefix, (e, n) -> { });
    }

    /** Fails every attempt with a retryable error {@code boom <attempt>}. */
    static ScriptedHandler failing(String id, String typePrefix) {
        return new ScriptedHandler(id, typePrefix, (e, n) -> {
            throw new IllegalStateException("boom " + n);
        });
    }

    /** Fails every attempt with a non-retryable {@code tool_failed} error. */
    static ScriptedHandler failingForGood(String id, String typePrefix) {
        return new ScriptedHandler(id, typePrefix, (e, n) -> {
            throw HandlerFailure.nonRetryable("tool_failed", "the fake cannot do this");
        });
    }

    /** Blocks every attempt until the latch opens (bounded, so a forgotten latch cannot hang a test run). */
    static ScriptedHandler blocking(String id, String typePrefix, CountDownLatch release) {
        return new ScriptedHandler(id, typePrefix, (e, n) -> release.await(60, TimeUnit.SECONDS));
    }

    @Override
    public String id() {
        return removed ? id + "-removed-" + System.identityHashCode(this) : id;
    }

    @Override
    public boolean matches(Event event) {
        return !removed && event.eventType().startsWith(typePrefix);
    }

    @Override
    public void handle(Event event) throws Exception {
        calls.add(event);
        int n = attempts.computeIfAbsent(event.id(), k -> new AtomicInteger()).incrementAndGet();
        script.run(event, n);
    }

    /** The handler disappears: the bus no longer finds a handler with its id. */
    void remove() {
        removed = true;
    }

    /** Every attempt so far, in call order. */
    List<Event> calls() {
        return List.copyOf(calls);
    }

    int attempts(String eventId) {
        AtomicInteger n = attempts.get(eventId);
        return n == null ? 0 : n.get();
    }
}
