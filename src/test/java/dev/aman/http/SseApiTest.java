package dev.aman.http;

import static dev.aman.http.EventsApiTest.enc;
import static dev.aman.http.EventsApiTest.fieldNames;
import static dev.aman.http.EventsApiTest.pushOk;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.http.SseStream.Frame;
import dev.aman.json.Json;
import dev.aman.testing.Aman;
import dev.aman.testing.AmanTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/** The SSE stream {@code GET /events/stream} (API.md §21): snapshots, event frames, auth levels, filters, resume, limits. */
class SseApiTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    // ---- greeting ----

    @AmanTest
    void stream_starts_with_retry_then_runtime_and_metrics_snapshots(Aman aman) {
        try (SseStream s = anonymous(aman, "")) {
            assertThat(s.status()).isEqualTo(200);
            assertThat(s.header("content-type")).isEqualTo("text/event-stream; charset=utf-8");
            assertThat(s.header("cache-control")).isEqualTo("no-store");
            assertThat(s.header("x-accel-buffering")).isEqualTo("no");

            assertThat(s.nextLine(WAIT)).isEqualTo("retry: 3000");
            Frame runtime = s.nextFrame(WAIT);
            Frame metrics = s.nextFrame(WAIT);

            assertThat(runtime.lines()).hasSize(2);
            assertThat(runtime.event()).isEqualTo("runtime:updated");
            JsonNode r = json(runtime);
            assertThat(r.get("phase").asInt()).isEqualTo(5);
            assertThat(r.get("phase_name").asText()).isEqualTo("ready");
            assertThat(r.get("ready").asBoolean()).isTrue();
            assertThat(r.get("live").asBoolean()).isTrue();
            assertThat(r.get("draining").asBoolean()).isFalse();
            assertThat(metrics.lines()).hasSize(2);
            assertThat(metrics.event()).isEqualTo("metrics:updated");
            JsonNode m = json(metrics);
            assertThat(fieldNames(m)).contains("queue_depth", "queue_capacity", "fill_ratio", "backpressure_level",
                    "retry_queue_depth", "throughput_total", "discarded_total", "duplicate_total", "expired_total", "dlq_depth",
                    "inflight_handlers", "inflight_turns", "subscriptions", "sse_clients");
            assertThat(fieldNames(m.get("queue_depth"))).containsExactlyInAnyOrder("high", "normal", "low");
            assertThat(m.get("queue_capacity").get("normal").asInt()).isEqualTo(10_000);
            assertThat(m.get("backpressure_level").asInt()).isZero();
        }
    }

    @AmanTest
    void full_stream_greeting_adds_agent_and_notification_snapshots(Aman aman) {
        try (SseStream s = authenticated(aman, "", Map.of())) {
            assertThat(s.nextLine(WAIT)).isEqualTo("retry: 3000");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                names.add(s.nextFrame(WAIT).event());
            }

            assertThat(names).containsExactly("runtime:updated", "metrics:updated", "agent_states:updated", "notification:updated");
        }
    }

    @AmanTest
    void metrics_snapshot_repeats_every_two_seconds(Aman aman) {
        try (SseStream s = anonymous(aman, "")) {
            s.framesUntil(f -> f.is("metrics:updated"), WAIT);
            long t0 = System.nanoTime();

            s.framesUntil(f -> f.is("metrics:updated"), WAIT);

            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
    }

    // ---- auth levels ----

    @AmanTest
    void anonymous_stream_never_carries_event_frames(Aman aman) {
        try (SseStream anon = anonymous(aman, ""); SseStream full = authenticated(aman, "", Map.of())) {
            String id = push(aman, "demo.secret");
            full.framesUntil(f -> id.equals(f.id()), WAIT); // fanned out to every stream by now

            List<Frame> seen = new ArrayList<>();
            seen.addAll(anon.framesUntil(f -> f.is("metrics:updated"), WAIT)); // the greeting
            seen.addAll(anon.framesUntil(f -> f.is("metrics:updated"), WAIT)); // a tick after the event
            seen.addAll(anon.framesUntil(f -> f.is("metrics:updated"), WAIT));

            assertThat(seen).extracting(Frame::event).doesNotContain("event:processed", "agent_states:updated",
                    "notification:updated");
            assertThat(anon.linesSoFar()).noneMatch(l -> l.startsWith("id:")).noneMatch(l -> l.contains(id));
        }
    }

    @AmanTest
    void authenticated_stream_gets_one_frame_per_pushed_event(Aman aman) {
        try (SseStream s = authenticated(aman, "", Map.of())) {
            JsonNode pushed = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.ping\", \"payload\": {\"text\": \"a\\nb\"}}");
            String id = pushed.get("id").asText();

            List<Frame> frames = s.framesUntil(f -> id.equals(f.id()), WAIT);

            Frame f = frames.get(frames.size() - 1);
            assertThat(f.lines()).hasSize(3);
            assertThat(f.lines().get(0)).isEqualTo("id: " + id);
            assertThat(f.lines().get(1)).isEqualTo("event: event:processed");
            assertThat(f.lines().get(2)).startsWith("data: {");
            JsonNode e = json(f);
            assertThat(e.get("id").asText()).isEqualTo(id);
            assertThat(e.get("source").asText()).isEqualTo("billing");
            assertThat(e.get("event_type").asText()).isEqualTo("demo.ping");
            assertThat(e.get("payload").get("text").asText()).isEqualTo("a\nb");
            assertThat(e.get("metadata").get("trace_id").asText()).isEqualTo(pushed.get("trace_id").asText());
            assertThat(frames).filteredOn(x -> id.equals(x.id())).hasSize(1);
        }
    }

    @AmanTest
    void anonymous_stream_in_development_mode_is_a_full_stream(Aman aman) {
        aman.token("");
        try (SseStream s = anonymous(aman, "")) {
            String id = push(aman, "demo.dev");

            List<Frame> frames = s.framesUntil(f -> id.equals(f.id()), WAIT);

            assertThat(frames).extracting(Frame::event).contains("agent_states:updated", "notification:updated");
            assertThat(frames.get(frames.size() - 1).event()).isEqualTo("event:processed");
        }
    }

    @AmanTest
    void invalid_token_is_401_never_a_downgraded_stream(Aman aman) {
        for (Map<String, String> headers : List.of(Map.of("Authorization", "Bearer wrong-token-0123456789"),
                Map.of("x-aman-token", "wrong-token-0123456789"))) {
            try (SseStream s = SseStream.open(aman.baseUrl(), "/events/stream", headers)) {
                assertThat(s.status()).as(headers.toString()).isEqualTo(401);
                assertThat(s.header("www-authenticate")).isEqualTo("Bearer");
                JsonNode body = parse(s.body());
                assertThat(body.get("error").asText()).isEqualTo("unauthorized");
            }
        }
    }

    // ---- filters ----

    @AmanTest
    void event_types_filter_limits_event_frames_to_matching_types(Aman aman) {
        try (SseStream s = authenticated(aman, "?event_types=" + enc("demo.*"), Map.of())) {
            push(aman, "other.skipped");
            String wanted = push(aman, "demo.wanted");

            List<Frame> frames = s.framesUntil(f -> wanted.equals(f.id()), WAIT);

            assertThat(frames).filteredOn(f -> f.is("event:processed")).extracting(Frame::id).containsExactly(wanted);
        }
    }

    @AmanTest
    void event_types_filter_takes_a_comma_separated_list_of_exact_types_and_globs(Aman aman) {
        try (SseStream s = authenticated(aman, "?event_types=" + enc("demo.exact,other.*"), Map.of())) {
            push(aman, "demo.exactly-not");
            String other = push(aman, "other.one");
            push(aman, "third.party");
            String exact = push(aman, "demo.exact");

            List<Frame> frames = s.framesUntil(f -> exact.equals(f.id()), WAIT);

            assertThat(frames).filteredOn(f -> f.is("event:processed")).extracting(Frame::id).containsExactly(other, exact);
        }
    }

    @AmanTest
    void agent_id_filter_limits_event_frames_to_that_agent(Aman aman) {
        try (SseStream s = authenticated(aman, "?agent_id=aman", Map.of())) {
            push(aman, "demo.untargeted");
            String viaPayload = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.p\", \"payload\": {\"agent_id\": \"aman\"}}")
                    .get("id").asText();
            String targeted = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.t\", \"agent_id\": \"aman\"}")
                    .get("id").asText();

            List<Frame> frames = s.framesUntil(f -> targeted.equals(f.id()), WAIT);

            assertThat(eventIds(frames)).containsExactly(viaPayload, targeted);
        }
    }

    @AmanTest
    void session_id_filter_limits_event_frames_to_that_session(Aman aman) {
        try (SseStream s = authenticated(aman, "?session_id=s-1", Map.of())) {
            pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.x\", \"payload\": {\"session_id\": \"s-2\"}}");
            String mine = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.x\", \"payload\": {\"session_id\": \"s-1\"}}")
                    .get("id").asText();

            assertThat(eventIds(s.framesUntil(f -> mine.equals(f.id()), WAIT))).containsExactly(mine);
        }
    }

    // ---- resume ----

    @AmanTest
    void last_event_id_resumes_after_that_event_then_continues_live_without_duplicates(Aman aman) {
        String a = push(aman, "demo.a");
        String b = push(aman, "demo.b");
        String c = push(aman, "demo.c");

        try (SseStream s = authenticated(aman, "?event_types=" + enc("demo.*"), Map.of("Last-Event-ID", a))) {
            List<String> ids = eventIds(s.framesUntil(f -> c.equals(f.id()), WAIT));
            assertThat(ids).containsExactly(b, c);

            String d = push(aman, "demo.d");
            ids = eventIds(s.framesUntil(f -> d.equals(f.id()), WAIT));
            assertThat(ids).containsExactly(d);

            String e = push(aman, "demo.e");
            ids = eventIds(s.framesUntil(f -> e.equals(f.id()), WAIT));
            assertThat(ids).containsExactly(e);
            assertThat(s.linesSoFar()).filteredOn(l -> l.startsWith("id: ")).doesNotHaveDuplicates();
        }
    }

    @AmanTest
    void resume_while_events_keep_arriving_has_no_gap_no_duplicate_and_keeps_admission_order(Aman aman) throws Exception {
        // the pusher below outruns the default per-source rate limit on a fast machine; this test is about resume
        aman.config("event_bus:\n  rate_limit:\n    per_source_per_sec: 0\n");
        String start = push(aman, "demo.start");
        List<String> pushed = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread pusher = Thread.ofVirtual().start(() -> {
            while (!stop.get()) {
                pushed.add(push(aman, "demo.flow"));
            }
        });
        try {
            for (int round = 0; round < 20; round++) {
                try (SseStream s = authenticated(aman, "?event_types=" + enc("demo.*"), Map.of("Last-Event-ID", start))) {
                    int connectedAt = pushed.size();
                    await().atMost(20, SECONDS).until(() -> pushed.size() > connectedAt + 2);
                    String target = pushed.get(connectedAt + 2);

                    List<String> ids = eventIds(s.framesUntil(f -> target.equals(f.id()), WAIT));

                    assertThat(ids).as("round " + round).containsExactlyElementsOf(pushed.subList(0, connectedAt + 3));
                }
            }
        } finally {
            stop.set(true);
            pusher.join();
        }
    }

    @AmanTest
    void last_event_id_query_parameter_resumes_too(Aman aman) {
        String a = push(aman, "demo.a");
        String b = push(aman, "demo.b");

        try (SseStream s = authenticated(aman, "?event_types=" + enc("demo.*") + "&last_event_id=" + a, Map.of())) {
            assertThat(eventIds(s.framesUntil(f -> b.equals(f.id()), WAIT))).containsExactly(b);
        }
    }

    @AmanTest
    void resume_without_a_filter_replays_the_pushed_events_in_admission_order(Aman aman) {
        String a = push(aman, "demo.a");
        List<String> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            later.add(push(aman, "demo.n" + i));
        }

        try (SseStream s = authenticated(aman, "", Map.of("Last-Event-ID", a))) {
            String last = later.get(later.size() - 1);
            List<String> ids = eventIds(s.framesUntil(f -> last.equals(f.id()), WAIT));

            assertThat(ids).containsSubsequence(later).doesNotContain(a).doesNotHaveDuplicates();
        }
    }

    @AmanTest
    void unknown_last_event_id_gets_a_stream_reset_frame_then_live_frames(Aman aman) {
        push(aman, "demo.stored");
        String unknown = randomUuidV7(System.currentTimeMillis());

        try (SseStream s = authenticated(aman, "", Map.of("Last-Event-ID", unknown))) {
            List<Frame> frames = s.framesUntil(f -> f.is("stream:reset"), WAIT);
            Frame reset = frames.get(frames.size() - 1);
            assertThat(reset.lines()).hasSize(2);
            JsonNode data = json(reset);
            assertThat(data.get("reason").asText()).isEqualTo("cursor_unknown");
            assertThat(data.get("last_event_id").asText()).isEqualTo(unknown);
            assertThat(frames).filteredOn(f -> f.is("stream:reset")).hasSize(1);

            String live = push(aman, "demo.live");
            assertThat(eventIds(s.framesUntil(f -> live.equals(f.id()), WAIT))).endsWith(live);
        }
    }

    @AmanTest
    void last_event_id_that_is_no_uuid_is_unknown_too(Aman aman) {
        try (SseStream s = authenticated(aman, "", Map.of("Last-Event-ID", "not-an-event"))) {
            Frame reset = last(s.framesUntil(f -> f.is("stream:reset"), WAIT));

            assertThat(json(reset).get("reason").asText()).isEqualTo("cursor_unknown");
        }
    }

    @AmanTest
    void anonymous_stream_gets_the_reset_frame_too(Aman aman) {
        push(aman, "demo.stored");
        try (SseStream s = anonymous(aman, "?last_event_id=" + randomUuidV7(System.currentTimeMillis()))) {
            Frame reset = last(s.framesUntil(f -> f.is("stream:reset"), WAIT));

            assertThat(json(reset).get("reason").asText()).isEqualTo("cursor_unknown");
        }
    }

    @AmanTest
    void last_event_id_older_than_every_stored_event_is_cursor_expired(Aman aman) {
        push(aman, "demo.stored");
        String evicted = randomUuidV7(System.currentTimeMillis() - java.util.concurrent.TimeUnit.HOURS.toMillis(1));

        try (SseStream s = authenticated(aman, "", Map.of("Last-Event-ID", evicted))) {
            JsonNode data = json(last(s.framesUntil(f -> f.is("stream:reset"), WAIT)));

            assertThat(data.get("reason").asText()).isEqualTo("cursor_expired");
            assertThat(data.get("last_event_id").asText()).isEqualTo(evicted);
        }
    }

    // ---- limits ----

    @AmanTest
    void more_streams_than_max_clients_is_503_too_many_streams(Aman aman) {
        aman.config("http:\n  sse:\n    max_clients: 2\n");
        try (SseStream one = anonymous(aman, ""); SseStream two = authenticated(aman, "", Map.of())) {
            assertThat(one.nextLine(WAIT)).isEqualTo("retry: 3000");
            assertThat(two.nextLine(WAIT)).isEqualTo("retry: 3000");

            try (SseStream three = anonymous(aman, "")) {
                assertThat(three.status()).isEqualTo(503);
                assertThat(three.header("retry-after")).isNotNull();
                assertThat(parse(three.body()).get("error").asText()).isEqualTo("too many streams");
            }
        }
    }

    @AmanTest
    void closed_stream_frees_its_slot(Aman aman) {
        aman.config("http:\n  sse:\n    max_clients: 1\n");
        SseStream first = anonymous(aman, "");
        try {
            assertThat(first.nextLine(WAIT)).isEqualTo("retry: 3000");
            try (SseStream refused = anonymous(aman, "")) {
                assertThat(refused.status()).isEqualTo(503);
            }
        } finally {
            first.close();
        }

        await().atMost(20, SECONDS).pollInterval(Duration.ofMillis(250)).until(() -> {
            try (SseStream again = anonymous(aman, "")) {
                return again.status() == 200;
            }
        });
    }

    // ---- helpers ----

    private static SseStream anonymous(Aman aman, String query) {
        return SseStream.open(aman.baseUrl(), "/events/stream" + query, Map.of());
    }

    private static SseStream authenticated(Aman aman, String query, Map<String, String> extra) {
        Map<String, String> headers = new java.util.HashMap<>(extra);
        headers.put("Authorization", "Bearer " + Aman.TOKEN);
        SseStream s = SseStream.open(aman.baseUrl(), "/events/stream" + query, headers);
        assertThat(s.status()).as(String.valueOf(s.body())).isEqualTo(200);
        return s;
    }

    private static String push(Aman aman, String type) {
        return pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"" + type + "\"}").get("id").asText();
    }

    private static List<String> eventIds(List<Frame> frames) {
        return frames.stream().filter(f -> f.is("event:processed")).map(Frame::id).toList();
    }

    private static Frame last(List<Frame> frames) {
        return frames.get(frames.size() - 1);
    }

    private static JsonNode json(Frame f) {
        return parse(f.data());
    }

    private static JsonNode parse(String text) {
        try {
            return Json.parse(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** A UUIDv7 of the given millisecond that no event carries. */
    private static String randomUuidV7(long millis) {
        String ms = String.format("%012x", millis);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return ms.substring(0, 8) + "-" + ms.substring(8) + "-7" + String.format("%03x", r.nextInt(0x1000)) + "-"
                + String.format("%04x", 0x8000 | r.nextInt(0x4000)) + "-" + String.format("%012x", r.nextLong(1L << 48));
    }
}
