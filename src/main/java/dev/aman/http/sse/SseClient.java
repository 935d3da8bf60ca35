package dev.aman.http.sse;

import dev.aman.bus.Event;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One open stream: its filters and a bounded frame queue. The bus thread only offers frames (never
 * blocks); a client whose queue is full is marked for disconnection (API.md §21.4). Thread-safe.
 */
final class SseClient {
    final boolean authenticated;
    private final List<Pattern> typeFilters;
    private final String sessionId;
    private final String agentId;
    private final BlockingQueue<String> frames;
    private volatile boolean closed;
    private volatile boolean overflowed;

    SseClient(boolean authenticated, List<String> typeGlobs, String sessionId, String agentId, int buffer) {
        this.authenticated = authenticated;
        this.typeFilters = typeGlobs.stream().map(SseClient::glob).toList();
        this.sessionId = sessionId;
        this.agentId = agentId;
        this.frames = new ArrayBlockingQueue<>(Math.max(16, buffer));
    }

    private static Pattern glob(String g) {
        StringBuilder sb = new StringBuilder();
        for (String part : g.split("\\*", -1)) {
            if (!sb.isEmpty()) {
                sb.append(".*");
            }
            sb.append(Pattern.quote(part));
        }
        return Pattern.compile(sb.toString());
    }

    boolean wants(Event e) {
        if (!authenticated) {
            return false;
        }
        if (!typeFilters.isEmpty() && typeFilters.stream().noneMatch(p -> p.matcher(e.eventType()).matches())) {
            return false;
        }
        if (sessionId != null && !sessionId.equals(e.payload().path("session_id").asText(null))) {
            return false;
        }
        if (agentId != null) {
            String a = e.metadata().agentId() != null ? e.metadata().agentId() : e.payload().path("agent_id").asText(null);
            return agentId.equals(a);
        }
        return true;
    }

    /** Queues a frame; on overflow the client is dropped (it may resume with Last-Event-ID). */
    boolean offer(String frame) {
        if (closed) {
            return true;
        }
        if (!frames.offer(frame)) {
            overflowed = true;
            closed = true;
            return false;
        }
        return true;
    }

    String poll(long millis) throws InterruptedException {
        return frames.poll(millis, TimeUnit.MILLISECONDS);
    }

    void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    boolean overflowed() {
        return overflowed;
    }
}
