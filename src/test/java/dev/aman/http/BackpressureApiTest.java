package dev.aman.http;

import static dev.aman.http.EventsApiTest.dump;
import static dev.aman.http.EventsApiTest.items;
import static dev.aman.http.EventsApiTest.pushOk;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.testing.Aman;
import dev.aman.testing.AmanTest;
import dev.aman.testing.ApiResult;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Admission control (API.md §1.15, FORMATS §2.7.5 and §4.2): backpressure levels from the fill ratio of
 * tiny bus queues, their effect on pushes, and the per-source rate limit.
 *
 * <p>One delivery worker and a handler blocked on a latch make the queue depths exact: the first event
 * occupies the worker, every later one waits in its priority's queue. Capacity is 30 (10 per priority), so
 * 24 queued events are level 1, 27 level 2, 29 level 3 and 30 level 4.
 */
class BackpressureApiTest {
    private static final String TINY_QUEUES = """
            event_bus:
              workers: 1
              queues:
                high: 10
                normal: 10
                low: 10
              retry:
                base_delay_ms: 10
                max_delay_ms: 50
                jitter: 0
            """;

    // ---- backpressure ----

    @AmanTest
    void guaranteed_push_at_level_3_is_503_backpressure_with_level_and_retry_after(Aman aman) {
        CountDownLatch release = blockedBus(aman);
        try {
            fill(aman, 10, 10, 9); // 29 of 30: level 3
            await().atMost(20, SECONDS).until(() -> level(aman) == 3);

            ApiResult res = aman.api().post("/events/push", event("low", "at_least_once"));

            assertThat(res.status()).isEqualTo(503);
            assertThat(res.error()).isEqualTo("backpressure");
            assertThat(res.json().get("message").asText()).isEqualTo("backpressure");
            assertThat(res.json().get("level").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(res.header("retry-after")).isEqualTo("1");
            ApiResult exactlyOnce = aman.api().post("/events/push", event("low", "exactly_once"));
            assertThat(exactlyOnce.status()).isEqualTo(503);
            assertThat(items(aman.api(), "/audit-log?action=event.push&outcome=unavailable")).hasSize(2);
        } finally {
            release.countDown();
        }
    }

    @AmanTest
    void metrics_report_the_backpressure_level_and_it_falls_once_handlers_catch_up(Aman aman) {
        CountDownLatch release = blockedBus(aman);
        try {
            fill(aman, 10, 10, 9);
            await().atMost(20, SECONDS).until(() -> level(aman) >= 3);
            assertThat(aman.api().post("/events/push", event("low", "at_least_once")).status()).isEqualTo(503);
        } finally {
            release.countDown();
        }

        await().atMost(30, SECONDS).until(() -> level(aman) == 0);
        ApiResult after = aman.api().post("/events/push", event("normal", "at_least_once"));
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        assertThat(after.json().get("status").asText()).isEqualTo("pending");
    }

    @AmanTest
    void level_changes_are_audited_published_and_level_3_raises_a_warning_notification(Aman aman) {
        CountDownLatch release = blockedBus(aman);
        try {
            fill(aman, 10, 9, 10); // 29 of 30, the normal queue (that of system events) not at capacity
            await().atMost(20, SECONDS).untilAsserted(() ->
                    assertThat(items(aman.api(), "/notifications?category=backpressure")).anySatisfy(n -> {
                        assertThat(n.get("severity").asText()).isEqualTo("warning");
                        assertThat(n.get("title").asText()).isEqualTo("Event bus backpressure level 3");
                        assertThat(n.get("action_route").asText()).isEqualTo("/metrics");
                    }));
            assertThat(items(aman.api(), "/audit-log?action=backpressure.change")).isNotEmpty().allSatisfy(r -> {
                assertThat(r.get("operator").asText()).isEqualTo("system");
                assertThat(r.get("target").asText()).isEqualTo("runtime");
            });
            assertThat(items(aman.api(), "/events/recent?event_type=backpressure_changed"))
                    .anySatisfy(e -> assertThat(e.get("payload").get("to_level").asInt()).isEqualTo(3));
        } finally {
            release.countDown();
        }
    }

    @AmanTest
    void level_change_published_while_the_normal_queue_is_full_is_not_lost(Aman aman) {
        CountDownLatch release = blockedBus(aman);
        try {
            fill(aman, 10, 10, 9); // level 3 with the queue of system events at capacity
            await().atMost(20, SECONDS).until(() -> level(aman) == 3);
        } finally {
            release.countDown();
        }

        await().atMost(30, SECONDS).untilAsserted(() -> {
            List<JsonNode> changes = items(aman.api(), "/events/recent?event_type=backpressure_changed&limit=1000");
            assertThat(changes).anySatisfy(e -> assertThat(e.get("payload").get("to_level").asInt()).isEqualTo(3));
            assertThat(changes).anySatisfy(e -> assertThat(e.get("payload").get("to_level").asInt()).isZero());
        });
    }

    @AmanTest
    void at_level_2_a_low_at_most_once_push_is_answered_200_dropped(Aman aman) {
        CountDownLatch release = blockedBus(aman);
        try {
            fill(aman, 10, 10, 8); // 28 of 30: level 2
            await().atMost(20, SECONDS).until(() -> level(aman) == 2);

            ApiResult res = aman.api().post("/events/push", event("low", "at_most_once"));

            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            assertThat(res.json().get("status").asText()).isEqualTo("dropped");
            assertThat(res.json().get("duplicate").asBoolean()).isFalse();
            String id = res.json().get("id").asText();
            await().atMost(20, SECONDS).untilAsserted(() -> { // at_most_once: stored after the answer, not before
                ApiResult stored = aman.api().get("/events/dump/" + id);
                assertThat(stored.status()).isEqualTo(200);
                assertThat(stored.json().get("status").asText()).isEqualTo("dropped");
                assertThat(stored.json().get("deliveries")).isEmpty();
            });
            assertThat(level(aman)).isEqualTo(2);
        } finally {
            release.countDown();
        }
    }

    @AmanTest
    void at_level_2_an_at_most_once_push_demoted_to_low_is_dropped_too(Aman aman) {
        CountDownLatch release = blockedBus(aman);
        try {
            fill(aman, 10, 8, 10);
            await().atMost(20, SECONDS).until(() -> level(aman) == 2);

            ApiResult res = aman.api().post("/events/push", event("normal", "at_most_once"));

            assertThat(res.status()).isEqualTo(200);
            assertThat(res.json().get("status").asText()).isEqualTo("dropped");
        } finally {
            release.countDown();
        }
    }

    @AmanTest
    void at_level_2_guaranteed_pushes_are_still_admitted(Aman aman) {
        CountDownLatch release = blockedBus(aman);
        try {
            fill(aman, 10, 10, 8);
            await().atMost(20, SECONDS).until(() -> level(aman) == 2);

            ApiResult res = aman.api().post("/events/push", event("low", "at_least_once"));

            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            assertThat(res.json().get("status").asText()).isEqualTo("pending");
        } finally {
            release.countDown();
        }
    }

    @AmanTest
    void below_level_2_a_low_at_most_once_push_is_delivered(Aman aman) {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedHandler handler = ScriptedHandler.blocking("skill:slow", "demo.", release);
        aman.config(TINY_QUEUES);
        aman.subscribe(handler);
        release.countDown();

        ApiResult res = aman.api().post("/events/push", event("low", "at_most_once"));

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("status").asText()).isEqualTo("pending");
        assertThat(res.json().get("delivery").asText()).isEqualTo("at_most_once");
        String id = res.json().get("id").asText();
        await().atMost(20, SECONDS).untilAsserted(() -> assertThat(handler.calls()).extracting(e -> e.id()).containsExactly(id));
    }

    @AmanTest
    void a_full_queue_refuses_its_priority_while_others_still_pass(Aman aman) {
        CountDownLatch release = blockedBus(aman);
        try {
            fill(aman, 0, 10, 0); // ratio 1/3, level 0, but the normal queue is at capacity
            assertThat(level(aman)).isZero();

            ApiResult normal = aman.api().post("/events/push", event("normal", "at_least_once"));
            ApiResult high = aman.api().post("/events/push", event("high", "at_least_once"));

            assertThat(normal.status()).isEqualTo(503);
            assertThat(normal.error()).isEqualTo("backpressure");
            assertThat(normal.header("retry-after")).isEqualTo("1");
            assertThat(high.status()).as(high.toString()).isEqualTo(200);
        } finally {
            release.countDown();
        }
    }

    @AmanTest
    void dlq_retry_at_level_3_is_503_backpressure_and_keeps_the_entry(Aman aman) {
        CountDownLatch release = new CountDownLatch(1);
        aman.config(TINY_QUEUES);
        aman.subscribe(ScriptedHandler.failingForGood("skill:fatal", "fail."));
        ScriptedHandler slow = ScriptedHandler.blocking("skill:slow", "demo.", release);
        aman.subscribe(slow);
        try {
            String failed = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"fail.now\"}").get("id").asText();
            await().atMost(20, SECONDS).untilAsserted(() -> assertThat(dump(aman, failed).get("status").asText()).isEqualTo("dead_lettered"));
            String dlqId = items(aman.api(), "/dlq").get(0).get("id").asText();
            pushOk(aman.api(), event("normal", "at_least_once"));
            await().atMost(20, SECONDS).until(() -> slow.calls().size() == 1);
            fill(aman, 10, 10, 9);
            await().atMost(20, SECONDS).until(() -> level(aman) >= 3);

            ApiResult res = aman.api().with("x-aman-confirm", "yes").post("/dlq/" + dlqId + "/retry");

            assertThat(res.status()).isEqualTo(503);
            assertThat(res.error()).isEqualTo("backpressure");
            assertThat(res.json().get("level").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(items(aman.api(), "/dlq")).hasSize(1);
        } finally {
            release.countDown();
        }
    }

    // ---- rate limit ----

    private static final String RATE_LIMIT = """
            event_bus:
              rate_limit:
                per_source_per_sec: 1
                burst: 2
            """;

    @AmanTest
    void third_push_of_one_source_within_a_second_is_429_while_another_source_passes(Aman aman) {
        aman.config(RATE_LIMIT);
        pushOk(aman.api(), "{\"source\": \"warmup\", \"event_type\": \"demo.warm\"}"); // first request pays class loading

        ApiResult first = aman.api().post("/events/push", "{\"source\": \"chatty\", \"event_type\": \"demo.rate\"}");
        ApiResult second = aman.api().post("/events/push", "{\"source\": \"chatty\", \"event_type\": \"demo.rate\"}");
        ApiResult third = aman.api().post("/events/push", "{\"source\": \"chatty\", \"event_type\": \"demo.rate\"}");
        ApiResult other = aman.api().post("/events/push", "{\"source\": \"quiet\", \"event_type\": \"demo.rate\"}");

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.error()).isEqualTo("rate limited");
        assertThat(third.json().get("message").asText()).isEqualTo("rate limited");
        assertThat(third.json().get("retry_after_ms").asLong()).isBetween(1L, 1000L);
        assertThat(third.header("retry-after")).isEqualTo("1");
        assertThat(other.status()).as(other.toString()).isEqualTo(200);
        assertThat(items(aman.api(), "/events/recent?source=chatty")).hasSize(2);
        assertThat(items(aman.api(), "/audit-log?action=event.push&outcome=rate_limited")).hasSize(1);
    }

    @AmanTest
    void rate_limited_source_passes_again_after_its_bucket_refills(Aman aman) {
        aman.config(RATE_LIMIT);
        ApiResult limited = null;
        for (int i = 0; i < 10 && limited == null; i++) {
            ApiResult res = aman.api().post("/events/push", "{\"source\": \"chatty\", \"event_type\": \"demo.rate\"}");
            if (res.status() == 429) {
                limited = res;
            }
        }
        assertThat(limited).as("a 429 within 10 quick pushes").isNotNull();

        await().atMost(10, SECONDS).pollInterval(java.time.Duration.ofMillis(200)).until(() ->
                aman.api().post("/events/push", "{\"source\": \"chatty\", \"event_type\": \"demo.rate\"}").status() == 200);
    }

    @AmanTest
    void inject_event_is_exempt_from_the_rate_limit(Aman aman) {
        aman.config(RATE_LIMIT + "runtime:\n  force_enable_debug_endpoints: true\n");

        for (int i = 0; i < 4; i++) {
            ApiResult res = aman.api().post("/inject-event", "{\"source\": \"chatty\", \"event_type\": \"demo.rate\"}");
            assertThat(res.status()).as("injection " + i + " → " + res).isEqualTo(200);
        }
    }

    // ---- helpers ----

    /** Starts the daemon with tiny queues, one worker, and that worker blocked in a handler until the latch opens. */
    private static CountDownLatch blockedBus(Aman aman) {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedHandler slow = ScriptedHandler.blocking("skill:slow", "demo.", release);
        aman.config(TINY_QUEUES);
        aman.subscribe(slow);
        pushOk(aman.api(), event("normal", "at_least_once"));
        await().atMost(20, SECONDS).until(() -> slow.calls().size() == 1);
        return release;
    }

    /** Queues this many guaranteed events per priority behind the blocked worker. */
    private static void fill(Aman aman, int high, int normal, int low) {
        for (int i = 0; i < high; i++) {
            pushOk(aman.api(), event("high", "at_least_once"));
        }
        for (int i = 0; i < normal; i++) {
            pushOk(aman.api(), event("normal", "at_least_once"));
        }
        for (int i = 0; i < low; i++) {
            pushOk(aman.api(), event("low", "at_least_once"));
        }
    }

    private static String event(String priority, String delivery) {
        return "{\"source\": \"load\", \"event_type\": \"demo.load\", \"priority\": \"" + priority + "\", \"delivery\": \""
                + delivery + "\"}";
    }

    private static final Pattern LEVEL = Pattern.compile("(?m)^aman_event_bus_backpressure_level(?:\\{[^}]*\\})? ([0-9.eE+-]+)$");

    /** {@code aman_event_bus_backpressure_level} from {@code GET /metrics}. */
    private static int level(Aman aman) {
        ApiResult res = aman.anonymous().get("/metrics");
        assertThat(res.status()).isEqualTo(200);
        Matcher m = LEVEL.matcher(res.body());
        assertThat(m.find()).as("backpressure level in /metrics").isTrue();
        return (int) Double.parseDouble(m.group(1));
    }
}
