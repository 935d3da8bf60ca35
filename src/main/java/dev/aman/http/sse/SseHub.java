package dev.aman.http.sse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.bus.Event;
import dev.aman.json.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Fans bus events and state snapshots out to SSE clients (API.md §21). The bus calls {@link #onEvent} on
 * its journal thread, so fan-out only offers frames to bounded per-client queues: a slow client is
 * disconnected, never the bus slowed. A ticker sends the periodic snapshots and heartbeats.
 *
 * <p>Owner of the ticker thread: {@link #start()} / {@link #stop()}. Thread-safe.
 */
public final class SseHub {
    /** Current state documents for the snapshot frames. */
    public interface Snapshots {
        ObjectNode runtime();

        ObjectNode metrics();

        ObjectNode agents();

        ObjectNode notifications();
    }

    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final Snapshots snapshots;
    private final IntSupplier heartbeatSec;
    private final Clock clock;
    private final Counter dropped;
    private final AtomicLong droppedTotal = new AtomicLong();
    private volatile Thread ticker;

    public SseHub(Snapshots snapshots, IntSupplier heartbeatSec, Clock clock, MeterRegistry metrics) {
        this.snapshots = snapshots;
        this.heartbeatSec = heartbeatSec;
        this.clock = clock;
        this.dropped = metrics.counter("aman_sse_clients_dropped");
        Gauge.builder("aman_sse_clients", () -> count(true)).tag("authenticated", "true").register(metrics);
        Gauge.builder("aman_sse_clients", () -> count(false)).tag("authenticated", "false").register(metrics);
    }

    public int count(boolean authenticated) {
        return (int) clients.stream().filter(c -> c.authenticated == authenticated).count();
    }

    public int size() {
        return clients.size();
    }

    public long droppedTotal() {
        return droppedTotal.get();
    }

    void add(SseClient c) {
        clients.add(c);
    }

    void remove(SseClient c) {
        clients.remove(c);
        if (c.overflowed()) {
            dropped.increment();
            droppedTotal.incrementAndGet();
        }
    }

    /** Every admitted event, in admission order (bus observer). */
    public void onEvent(Event e) {
        String frame = null;
        for (SseClient c : clients) {
            if (c.wants(e)) {
                if (frame == null) {
                    frame = eventFrame(e);
                }
                c.offer(frame);
            }
        }
    }

    static String eventFrame(Event e) {
        boolean stored = !e.eventType().equals("agent:reply_chunk");
        return (stored ? "id: " + e.id() + "\n" : "") + "event: event:processed\ndata: " + Json.write(e) + "\n\n";
    }

    static String frame(String name, Object data) {
        return "event: " + name + "\ndata: " + Json.write(data) + "\n\n";
    }

    public void runtimeChanged() {
        broadcast(frame("runtime:updated", snapshots.runtime()), false);
    }

    public void metricsChanged() {
        broadcast(frame("metrics:updated", snapshots.metrics()), false);
    }

    public void agentsChanged() {
        broadcast(frame("agent_states:updated", snapshots.agents()), true);
    }

    public void notificationsChanged() {
        broadcast(frame("notification:updated", snapshots.notifications()), true);
    }

    private void broadcast(String frame, boolean fullOnly) {
        for (SseClient c : clients) {
            if (!fullOnly || c.authenticated) {
                c.offer(frame);
            }
        }
    }

    /** The frames a new client receives first (API.md §21.1). */
    void greet(SseClient c) {
        c.offer("retry: 3000\n\n");
        c.offer(frame("runtime:updated", snapshots.runtime()));
        c.offer(frame("metrics:updated", snapshots.metrics()));
        if (c.authenticated) {
            c.offer(frame("agent_states:updated", snapshots.agents()));
            c.offer(frame("notification:updated", snapshots.notifications()));
        }
    }

    Snapshots snapshots() {
        return snapshots;
    }

    public void start() {
        ticker = Thread.ofVirtual().name("sse-ticker").start(this::tick);
    }

    private void tick() {
        long t = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(1000);
                t++;
                if (clients.isEmpty()) {
                    continue;
                }
                if (t % 2 == 0) {
                    metricsChanged();
                }
                if (t % 5 == 0) {
                    runtimeChanged();
                }
                if (t % 10 == 0) {
                    agentsChanged();
                }
                if (t % 30 == 0) {
                    notificationsChanged();
                }
                if (t % Math.max(1, heartbeatSec.getAsInt()) == 0) {
                    broadcast(": ping " + clock.millis() + "\n\n", false);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SseHub.class).atWarn().setCause(e).log("sse ticker stopped");
        }
    }

    /** Sends {@code runtime:updated} (draining) and closes every stream. */
    public void stop() {
        runtimeChanged();
        clients.forEach(SseClient::close);
        if (ticker != null) {
            ticker.interrupt();
        }
    }
}
