package dev.aman.http.sse;

import dev.aman.bus.Event;
import dev.aman.config.ConfigService;
import dev.aman.http.ApiRequest;
import dev.aman.http.ApiResponse;
import dev.aman.http.Readiness;
import dev.aman.http.RouteSpec;
import dev.aman.http.Routes;
import dev.aman.http.errors.ApiException;
import dev.aman.ids.UuidV7;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code GET /events/stream} (API.md §21). */
public final class StreamRoutes implements Routes {
    private static final int REPLAY_CHUNK = 500;
    private final SseHub hub;
    private final ConfigService config;
    private final Replay replay;

    /** Reads the durable store for resume; null members when storage is not open. */
    public interface Replay {
        /** Admission time of a stored event, or null when unknown or evicted. */
        Long timestampOf(String id);

        List<Event> after(String id, long timestampMs, int limit);

        /** Oldest stored event time, or null for an empty (or closed) store. */
        Long oldestTimestamp();
    }

    public StreamRoutes(SseHub hub, ConfigService config, Replay replay) {
        this.hub = hub;
        this.config = config;
        this.replay = replay;
    }

    @Override
    public void register(Registrar r) {
        r.add(RouteSpec.get("/events/stream", Readiness.A).asPublic(), this::open);
    }

    private ApiResponse open(ApiRequest req) {
        if (hub.size() >= config.current().http().sseMaxClients()) {
            throw ApiException.of(503, "too many streams").header("retry-after", "1");
        }
        boolean full = req.authenticated();
        String types = full ? req.query("event_types") : null;
        List<String> globs = types == null ? List.of()
                : Arrays.stream(types.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        String lastId = req.header("Last-Event-ID");
        if (lastId == null || lastId.isBlank()) {
            lastId = req.query("last_event_id");
        }
        String resumeFrom = lastId == null || lastId.isBlank() ? null : lastId.trim();
        SseClient client = new SseClient(full, globs, full ? req.query("session_id") : null,
                full ? req.query("agent_id") : null, config.current().http().sseClientBuffer());
        return ApiResponse.stream(ctx -> serve(ctx, client, resumeFrom));
    }

    private void serve(Context ctx, SseClient client, String resumeFrom) {
        ctx.status(200);
        ctx.res().setHeader("content-type", "text/event-stream; charset=utf-8");
        ctx.res().setHeader("cache-control", "no-store");
        ctx.res().setHeader("x-accel-buffering", "no");
        hub.greet(client);
        hub.add(client);
        try {
            OutputStream out = ctx.res().getOutputStream();
            List<String> held = drain(client, out);
            Set<String> replayed = resumeFrom == null ? Set.of() : replay(client, resumeFrom, out);
            for (String frame : held) {
                if (!replayed.contains(idOf(frame))) {
                    write(out, frame);
                }
            }
            while (!client.closed()) {
                String frame = client.poll(500);
                if (frame == null) {
                    continue;
                }
                if (!replayed.isEmpty() && frame.startsWith("id: ") && replayed.contains(idOf(frame))) {
                    continue; // already sent by the replay: no duplicate between replay and live
                }
                write(out, frame);
            }
        } catch (IOException | InterruptedException e) {
            // the client went away (or we are stopping)
        } finally {
            client.close();
            hub.remove(client);
        }
    }

    /**
     * Writes the greeting frames queued before the stream started. Event frames that arrived meanwhile are
     * returned instead: they must follow the replay, which may contain them already (API.md §21.4).
     */
    private static List<String> drain(SseClient client, OutputStream out) throws IOException, InterruptedException {
        List<String> held = new ArrayList<>();
        String f;
        int n = 0;
        while (n++ < 8 && (f = client.poll(0)) != null) {
            if (f.startsWith("id: ")) {
                held.add(f);
                continue;
            }
            write(out, f);
        }
        return held;
    }

    private Set<String> replay(SseClient client, String lastId, OutputStream out) throws IOException {
        Set<String> sent = new HashSet<>();
        Long ts = UuidV7.isUuid(lastId) ? replay.timestampOf(lastId.toLowerCase(java.util.Locale.ROOT)) : null;
        if (ts == null) {
            Long oldest = replay.oldestTimestamp();
            String reason = oldest != null && UuidV7.isUuid(lastId) && millisOf(lastId) < oldest ? "cursor_expired" : "cursor_unknown";
            write(out, SseHub.frame("stream:reset", Map.of("reason", reason, "last_event_id", lastId)));
            return sent;
        }
        if (!client.authenticated) {
            return sent;
        }
        String afterId = lastId.toLowerCase(java.util.Locale.ROOT);
        long afterTs = ts;
        while (true) {
            List<Event> chunk = replay.after(afterId, afterTs, REPLAY_CHUNK);
            for (Event e : chunk) {
                if (client.wants(e)) {
                    write(out, SseHub.eventFrame(e));
                }
                sent.add(e.id());
            }
            if (chunk.size() < REPLAY_CHUNK) {
                return sent;
            }
            Event last = chunk.get(chunk.size() - 1);
            afterId = last.id();
            afterTs = last.timestampMs();
        }
    }

    private static long millisOf(String uuid) {
        return Long.parseLong(uuid.replace("-", "").substring(0, 12), 16);
    }

    private static String idOf(String frame) {
        int nl = frame.indexOf('\n');
        return frame.substring(4, nl);
    }

    private static void write(OutputStream out, String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
