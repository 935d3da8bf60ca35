package dev.aman.http;

import static dev.aman.http.EventsApiTest.dump;
import static dev.aman.http.EventsApiTest.enc;
import static dev.aman.http.EventsApiTest.fieldNames;
import static dev.aman.http.EventsApiTest.ids;
import static dev.aman.http.EventsApiTest.items;
import static dev.aman.http.EventsApiTest.pushOk;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatObject;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.testing.Aman;
import dev.aman.testing.AmanTest;
import dev.aman.testing.ApiClient;
import dev.aman.testing.ApiResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Dead-letter queue (API.md §11, FORMATS §4.2 and §4.6): how entries are written, listed, counted, retried
 * to their handler only and discarded, and that they are durable.
 */
class DlqApiTest {
    private static final String UUID_V7 = "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private static final String FAST_RETRY = "event_bus:\n  retry:\n    base_delay_ms: 10\n    max_delay_ms: 50\n    jitter: 0\n";
    private static final long THIRTY_DAYS_MS = Duration.ofDays(30).toMillis();

    // ---- how entries are written ----

    @AmanTest
    void handler_that_always_fails_is_dead_lettered_once_after_max_attempts_while_another_handler_is_delivered(Aman aman) {
        aman.config(FAST_RETRY);
        ScriptedHandler broken = ScriptedHandler.failing("skill:broken", "demo.");
        ScriptedHandler fine = ScriptedHandler.succeeding("skill:fine", "demo.");
        aman.subscribe(broken).subscribe(fine);

        String id = push(aman, "billing", "demo.invoice");
        JsonNode record = awaitStatus(aman, id, "dead_lettered");

        assertThat(broken.attempts(id)).isEqualTo(3);
        assertThat(fine.attempts(id)).isEqualTo(1);
        List<JsonNode> entries = items(aman.api(), "/dlq");
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.get("handler").asText()).isEqualTo("skill:broken");
            assertThat(e.get("event").get("id").asText()).isEqualTo(id);
            assertThat(e.get("reason").asText()).isEqualTo("retries_exhausted");
            assertThat(e.get("attempts").asInt()).isEqualTo(3);
        });
        assertThat(record.get("deliveries")).hasSize(2);
        assertThatObject(record.get("deliveries").get(0)).satisfies(d -> {
            assertThat(d.get("handler").asText()).isEqualTo("skill:broken");
            assertThat(d.get("status").asText()).isEqualTo("dead_lettered");
            assertThat(d.get("attempts").asInt()).isEqualTo(3);
            assertThat(d.get("last_error").asText()).isEqualTo("boom 3");
            assertThat(d.get("dlq_id").asText()).isEqualTo(entries.get(0).get("id").asText());
        });
        assertThatObject(record.get("deliveries").get(1)).satisfies(d -> {
            assertThat(d.get("handler").asText()).isEqualTo("skill:fine");
            assertThat(d.get("status").asText()).isEqualTo("delivered");
            assertThat(d.get("attempts").asInt()).isEqualTo(1);
            assertThat(d.get("dlq_id").isNull()).isTrue();
        });
    }

    @AmanTest
    void max_attempts_comes_from_the_configuration(Aman aman) {
        aman.config(FAST_RETRY + "    max_attempts: 5\n");
        ScriptedHandler broken = ScriptedHandler.failing("skill:broken", "demo.");
        aman.subscribe(broken);

        String id = push(aman, "billing", "demo.invoice");
        awaitStatus(aman, id, "dead_lettered");

        assertThat(broken.attempts(id)).isEqualTo(5);
        assertThat(dump(aman, id).get("metadata").get("max_retries").asInt()).isEqualTo(4);
        assertThat(items(aman.api(), "/dlq")).singleElement().satisfies(e -> assertThat(e.get("attempts").asInt()).isEqualTo(5));
    }

    @AmanTest
    void non_retryable_failure_is_dead_lettered_after_one_attempt(Aman aman) {
        aman.config(FAST_RETRY);
        ScriptedHandler fatal = ScriptedHandler.failingForGood("skill:fatal", "demo.");
        aman.subscribe(fatal);

        String id = push(aman, "billing", "demo.invoice");
        awaitStatus(aman, id, "dead_lettered");

        assertThat(fatal.attempts(id)).isEqualTo(1);
        assertThat(items(aman.api(), "/dlq")).singleElement().satisfies(e -> {
            assertThat(e.get("reason").asText()).isEqualTo("non_retryable");
            assertThat(e.get("attempts").asInt()).isEqualTo(1);
            assertThat(e.get("last_error").asText()).startsWith("tool_failed");
        });
    }

    @AmanTest
    void dlq_entry_has_the_documented_shape(Aman aman) {
        aman.config(FAST_RETRY);
        aman.subscribe(ScriptedHandler.failing("skill:broken", "demo."));
        String id = push(aman, "billing", "demo.invoice");
        JsonNode event = awaitStatus(aman, id, "dead_lettered");

        ApiResult res = aman.api().get("/dlq");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("next_cursor").isNull()).isTrue();
        JsonNode e = res.json().get("items").get(0);
        assertThat(fieldNames(e)).containsExactlyInAnyOrder("id", "event", "reason", "last_error", "handler", "attempts",
                "manual_retry_count", "enqueued_at_ms", "expires_at_ms");
        assertThat(e.get("id").asText()).matches(UUID_V7);
        assertThat(e.get("reason").asText()).isEqualTo("retries_exhausted");
        assertThat(e.get("last_error").asText()).isEqualTo("boom 3");
        assertThat(e.get("handler").asText()).isEqualTo("skill:broken");
        assertThat(e.get("attempts").asInt()).isEqualTo(3);
        assertThat(e.get("manual_retry_count").asInt()).isZero();
        assertThat(e.get("enqueued_at_ms").asLong()).isGreaterThanOrEqualTo(event.get("timestamp_ms").asLong());
        assertThat(e.get("expires_at_ms").asLong()).isEqualTo(e.get("enqueued_at_ms").asLong() + THIRTY_DAYS_MS);
        JsonNode envelope = e.get("event");
        assertThat(envelope.get("id").asText()).isEqualTo(id);
        assertThat(envelope.get("source").asText()).isEqualTo("billing");
        assertThat(envelope.get("event_type").asText()).isEqualTo("demo.invoice");
        assertThat(envelope.get("payload")).isEqualTo(event.get("payload"));
        assertThat(envelope.get("metadata")).isEqualTo(event.get("metadata"));
        assertThat(envelope.has("status")).isFalse();
        assertThat(envelope.has("deliveries")).isFalse();
    }

    @AmanTest
    void dead_lettering_publishes_dlq_enqueued_and_raises_a_warning_notification(Aman aman) {
        aman.config(FAST_RETRY);
        aman.subscribe(ScriptedHandler.failing("skill:broken", "demo."));
        String id = push(aman, "billing", "demo.invoice");
        awaitStatus(aman, id, "dead_lettered");
        String dlqId = items(aman.api(), "/dlq").get(0).get("id").asText();

        await().atMost(20, SECONDS).untilAsserted(() -> {
            assertThat(items(aman.api(), "/notifications?category=dlq")).singleElement().satisfies(n -> {
                assertThat(n.get("severity").asText()).isEqualTo("warning");
                assertThat(n.get("title").asText()).isEqualTo("Event dead-lettered");
                assertThat(n.get("action_route").asText()).isEqualTo("/dlq");
                assertThat(n.get("event_id").asText()).isEqualTo(id);
                assertThat(n.get("source").asText()).isEqualTo("runtime");
                assertThat(n.get("dismissible").asBoolean()).isTrue();
            });
            assertThat(items(aman.api(), "/events/recent?event_type=" + enc("dlq:enqueued"))).singleElement().satisfies(ev -> {
                JsonNode p = ev.get("payload");
                assertThat(p.get("dlq_id").asText()).isEqualTo(dlqId);
                assertThat(p.get("event_id").asText()).isEqualTo(id);
                assertThat(p.get("event_type").asText()).isEqualTo("demo.invoice");
                assertThat(p.get("handler").asText()).isEqualTo("skill:broken");
                assertThat(p.get("reason").asText()).isEqualTo("retries_exhausted");
                assertThat(p.get("attempts").asInt()).isEqualTo(3);
                assertThat(ev.get("source").asText()).isEqualTo("runtime");
            });
        });
    }

    @AmanTest
    void repeated_dead_letters_coalesce_into_one_notification(Aman aman) {
        aman.config(FAST_RETRY);
        aman.subscribe(ScriptedHandler.failingForGood("skill:fatal", "demo."));
        String a = push(aman, "billing", "demo.a");
        awaitStatus(aman, a, "dead_lettered");
        String b = push(aman, "billing", "demo.b");
        awaitStatus(aman, b, "dead_lettered");

        await().atMost(20, SECONDS).untilAsserted(() ->
                assertThat(items(aman.api(), "/notifications?category=dlq")).singleElement().satisfies(n -> {
                    assertThat(n.get("count").asInt()).isEqualTo(2);
                    assertThat(n.get("updated_at_ms").asLong()).isGreaterThanOrEqualTo(n.get("created_at_ms").asLong());
                }));
    }

    @AmanTest
    void dlq_notify_false_raises_no_notification(Aman aman) {
        aman.config(FAST_RETRY + "dlq:\n  notify: false\n");
        aman.subscribe(ScriptedHandler.failingForGood("skill:fatal", "demo."));
        String id = push(aman, "billing", "demo.a");
        awaitStatus(aman, id, "dead_lettered");

        await().atMost(20, SECONDS).untilAsserted(() ->
                assertThat(items(aman.api(), "/events/recent?event_type=" + enc("dlq:enqueued"))).hasSize(1));
        assertThat(items(aman.api(), "/notifications?active_only=false")).isEmpty();
    }

    // ---- listing and depth ----

    @AmanTest
    void dlq_list_filters_by_reason_source_event_type_and_handler(Aman aman) {
        aman.config(FAST_RETRY);
        aman.subscribe(ScriptedHandler.failing("skill:broken", "demo.a"));
        aman.subscribe(ScriptedHandler.failingForGood("skill:fatal", "demo.b"));
        String a = push(aman, "billing", "demo.a");
        awaitStatus(aman, a, "dead_lettered");
        String b = push(aman, "shop", "demo.b");
        awaitStatus(aman, b, "dead_lettered");

        assertThat(eventIds(items(aman.api(), "/dlq"))).containsExactly(a, b);
        assertThat(eventIds(items(aman.api(), "/dlq?reason=retries_exhausted"))).containsExactly(a);
        assertThat(eventIds(items(aman.api(), "/dlq?reason=non_retryable"))).containsExactly(b);
        assertThat(eventIds(items(aman.api(), "/dlq?source=shop"))).containsExactly(b);
        assertThat(eventIds(items(aman.api(), "/dlq?event_type=demo.a"))).containsExactly(a);
        assertThat(eventIds(items(aman.api(), "/dlq?handler=" + enc("skill:fatal")))).containsExactly(b);
        assertThat(eventIds(items(aman.api(), "/dlq?source=billing&handler=" + enc("skill:fatal")))).isEmpty();
        assertThat(items(aman.api(), "/dlq?event_type=DEMO.A")).isEmpty();
    }

    @AmanTest
    void dlq_list_pages_oldest_first(Aman aman) {
        aman.config(FAST_RETRY);
        aman.subscribe(ScriptedHandler.failingForGood("skill:fatal", "demo."));
        List<String> pushed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = push(aman, "billing", "demo.n" + i);
            awaitStatus(aman, id, "dead_lettered");
            pushed.add(id);
        }

        List<String> seen = new ArrayList<>();
        String path = "/dlq?limit=2";
        while (path != null) {
            JsonNode page = aman.api().get(path).json();
            seen.addAll(eventIds(EventsApiTest.list(page.get("items"))));
            path = page.get("next_cursor").isNull() ? null : "/dlq?limit=2&cursor=" + enc(page.get("next_cursor").asText());
        }

        assertThat(seen).containsExactlyElementsOf(pushed);
    }

    @AmanTest
    void depth_counts_entries_and_names_the_oldest(Aman aman) {
        aman.config(FAST_RETRY);
        aman.subscribe(ScriptedHandler.failingForGood("skill:fatal", "demo."));
        assertThatObject(aman.api().get("/dlq/depth").json()).satisfies(d -> {
            assertThat(d.get("depth").asLong()).isZero();
            assertThat(d.get("oldest_enqueued_at_ms").isNull()).isTrue();
        });

        String a = push(aman, "billing", "demo.a");
        awaitStatus(aman, a, "dead_lettered");
        String b = push(aman, "billing", "demo.b");
        awaitStatus(aman, b, "dead_lettered");

        List<JsonNode> entries = items(aman.api(), "/dlq");
        JsonNode depth = aman.api().get("/dlq/depth").json();
        assertThat(depth.get("depth").asLong()).isEqualTo(2);
        assertThat(depth.get("oldest_enqueued_at_ms").asLong()).isEqualTo(entries.get(0).get("enqueued_at_ms").asLong());
        assertThat(aman.anonymous().get("/metrics").body()).containsPattern("(?m)^aman_dlq_depth(\\{[^}]*\\})? 2(\\.0)?$");
    }

    // ---- retry ----

    @AmanTest
    void retry_without_confirmation_is_409_and_audited_as_confirm_required(Aman aman) {
        String dlqId = deadLetteredEntry(aman);

        ApiResult res = aman.api().post("/dlq/" + dlqId + "/retry");

        assertThat(res.status()).isEqualTo(409);
        assertThat(res.error()).isEqualTo("confirmation required");
        assertThat(items(aman.api(), "/dlq")).hasSize(1);
        assertThat(items(aman.api(), "/audit-log?action=dlq.retry")).singleElement().satisfies(r -> {
            assertThat(r.get("outcome").asText()).isEqualTo("confirm_required");
            assertThat(r.get("target").asText()).isEqualTo("dlq:" + dlqId);
            assertThat(r.get("detail").asText()).isEmpty();
        });
    }

    @AmanTest
    void confirmed_retry_republishes_a_copy_to_that_handler_only_and_removes_the_entry(Aman aman) {
        aman.config(FAST_RETRY);
        // fails the original lineage, succeeds for the manual retry (retry_count 1)
        ScriptedHandler flaky = new ScriptedHandler("skill:flaky", "demo.", (e, n) -> {
            if (e.metadata().retryCount() == 0) {
                throw new IllegalStateException("still down");
            }
        });
        ScriptedHandler fine = ScriptedHandler.succeeding("skill:fine", "demo.");
        aman.subscribe(flaky).subscribe(fine);
        String original = push(aman, "billing", "demo.invoice");
        JsonNode originalRecord = awaitStatus(aman, original, "dead_lettered");
        String dlqId = items(aman.api(), "/dlq").get(0).get("id").asText();

        ApiResult res = confirmed(aman.api()).with("x-aman-operator", "alice").post("/dlq/" + dlqId + "/retry",
                "{\"reason\": \"upstream fixed\"}");

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(fieldNames(body)).containsExactly("dlq_id", "new_event_id", "trace_id", "handler", "retry_count");
        assertThat(body.get("dlq_id").asText()).isEqualTo(dlqId);
        String copyId = body.get("new_event_id").asText();
        assertThat(copyId).matches(UUID_V7).isNotEqualTo(original);
        assertThat(body.get("trace_id").asText()).isEqualTo(originalRecord.get("metadata").get("trace_id").asText());
        assertThat(body.get("handler").asText()).isEqualTo("skill:flaky");
        assertThat(body.get("retry_count").asInt()).isEqualTo(1);

        JsonNode copy = awaitStatus(aman, copyId, "delivered");
        assertThat(copy.get("source").asText()).isEqualTo("billing");
        assertThat(copy.get("event_type").asText()).isEqualTo("demo.invoice");
        assertThat(copy.get("payload")).isEqualTo(originalRecord.get("payload"));
        assertThat(copy.get("priority").asText()).isEqualTo(originalRecord.get("priority").asText());
        assertThat(copy.get("delivery").asText()).isEqualTo(originalRecord.get("delivery").asText());
        assertThat(copy.get("metadata").get("trace_id").asText()).isEqualTo(body.get("trace_id").asText());
        assertThat(copy.get("metadata").get("parent_event_id").asText()).isEqualTo(original);
        assertThat(copy.get("metadata").get("retry_count").asInt()).isEqualTo(1);
        assertThat(copy.get("deliveries")).singleElement().satisfies(d -> {
            assertThat(d.get("handler").asText()).isEqualTo("skill:flaky");
            assertThat(d.get("status").asText()).isEqualTo("delivered");
            assertThat(d.get("attempts").asInt()).isEqualTo(1);
        });
        assertThat(fine.calls()).extracting(e -> e.id()).containsExactly(original);
        assertThat(flaky.attempts(copyId)).isEqualTo(1);
        assertThat(items(aman.api(), "/dlq")).isEmpty();
        assertThat(aman.api().get("/dlq/depth").json().get("depth").asLong()).isZero();
        assertThat(ids(items(aman.api(), "/events/trace/" + body.get("trace_id").asText()))).containsExactly(original, copyId);

        ApiResult again = confirmed(aman.api()).post("/dlq/" + dlqId + "/retry");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.error()).isEqualTo("not found: dlq entry " + dlqId);
    }

    @AmanTest
    void confirmed_retry_is_audited_and_publishes_dlq_retried(Aman aman) {
        String dlqId = deadLetteredEntry(aman);

        JsonNode body = confirmed(aman.api()).with("x-aman-operator", "alice")
                .post("/dlq/" + dlqId + "/retry", "{\"reason\": \"upstream fixed\"}").json();
        String copyId = body.get("new_event_id").asText();

        assertThat(items(aman.api(), "/audit-log?action=dlq.retry")).singleElement().satisfies(r -> {
            assertThat(r.get("outcome").asText()).isEqualTo("ok");
            assertThat(r.get("operator").asText()).isEqualTo("alice");
            assertThat(r.get("target").asText()).isEqualTo("dlq:" + dlqId);
            assertThat(r.get("detail").asText()).isEqualTo("new_event_id=" + copyId + " retry_count=1 reason=upstream fixed");
        });
        await().atMost(20, SECONDS).untilAsserted(() ->
                assertThat(items(aman.api(), "/events/recent?event_type=" + enc("dlq:retried"))).singleElement().satisfies(ev -> {
                    JsonNode p = ev.get("payload");
                    assertThat(p.get("dlq_id").asText()).isEqualTo(dlqId);
                    assertThat(p.get("new_event_id").asText()).isEqualTo(copyId);
                    assertThat(p.get("retry_count").asInt()).isEqualTo(1);
                    assertThat(p.get("operator").asText()).isEqualTo("alice");
                }));
    }

    @AmanTest
    void retried_copy_that_fails_again_writes_a_new_entry_with_a_higher_manual_retry_count(Aman aman) {
        aman.config(FAST_RETRY);
        ScriptedHandler broken = ScriptedHandler.failingForGood("skill:broken", "demo.");
        aman.subscribe(broken);
        String original = push(aman, "billing", "demo.invoice");
        awaitStatus(aman, original, "dead_lettered");
        String dlqId = items(aman.api(), "/dlq").get(0).get("id").asText();

        String copyId = confirmed(aman.api()).post("/dlq/" + dlqId + "/retry").json().get("new_event_id").asText();
        awaitStatus(aman, copyId, "dead_lettered");

        assertThat(items(aman.api(), "/dlq")).singleElement().satisfies(e -> {
            assertThat(e.get("id").asText()).isNotEqualTo(dlqId);
            assertThat(e.get("event").get("id").asText()).isEqualTo(copyId);
            assertThat(e.get("manual_retry_count").asInt()).isEqualTo(1);
            assertThat(e.get("event").get("metadata").get("retry_count").asInt()).isEqualTo(1);
        });
    }

    @AmanTest
    void concurrent_retries_of_one_entry_produce_exactly_one_copy(Aman aman) throws Exception {
        String dlqId = deadLetteredEntry(aman);
        ApiClient api = confirmed(aman.api());
        int n = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ApiResult>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return api.post("/dlq/" + dlqId + "/retry");
                }));
            }
            go.countDown();
        }

        List<ApiResult> results = new ArrayList<>();
        for (Future<ApiResult> f : answers) {
            results.add(f.get());
        }
        assertThat(results).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(results).filteredOn(r -> r.status() == 404).hasSize(n - 1)
                .allSatisfy(r -> assertThat(r.error()).isEqualTo("not found: dlq entry " + dlqId));
        String copyId = results.stream().filter(r -> r.status() == 200).findFirst().orElseThrow().json()
                .get("new_event_id").asText();
        List<JsonNode> copies = items(aman.api(), "/events/recent?event_type=demo.invoice");
        assertThat(copies).filteredOn(e -> e.get("metadata").get("retry_count").asInt() == 1)
                .extracting(e -> e.get("id").asText()).containsExactly(copyId);
    }

    @AmanTest
    void retry_beyond_the_manual_retry_limit_is_422_and_keeps_the_entry(Aman aman) {
        aman.config(FAST_RETRY + "dlq:\n  max_manual_retries: 0\n");
        aman.subscribe(ScriptedHandler.failingForGood("skill:broken", "demo."));
        String id = push(aman, "billing", "demo.invoice");
        awaitStatus(aman, id, "dead_lettered");
        String dlqId = items(aman.api(), "/dlq").get(0).get("id").asText();

        ApiResult res = confirmed(aman.api()).post("/dlq/" + dlqId + "/retry");

        assertThat(res.status()).isEqualTo(422);
        assertThat(res.error()).isEqualTo("unrecoverable: manual retry limit reached (0)");
        assertThat(ids(items(aman.api(), "/dlq"))).containsExactly(dlqId);
        assertThat(items(aman.api(), "/audit-log?action=dlq.retry")).singleElement()
                .satisfies(r -> assertThat(r.get("outcome").asText()).isEqualTo("unrecoverable"));
    }

    @AmanTest
    void retry_when_the_handler_is_gone_is_409_and_keeps_the_entry(Aman aman) {
        aman.config(FAST_RETRY);
        ScriptedHandler broken = ScriptedHandler.failingForGood("skill:broken", "demo.");
        aman.subscribe(broken);
        String id = push(aman, "billing", "demo.invoice");
        awaitStatus(aman, id, "dead_lettered");
        String dlqId = items(aman.api(), "/dlq").get(0).get("id").asText();
        broken.remove();

        ApiResult res = confirmed(aman.api()).post("/dlq/" + dlqId + "/retry");

        assertThat(res.status()).isEqualTo(409);
        assertThat(res.error()).isEqualTo("invalid state transition: handler skill:broken is not available");
        assertThat(ids(items(aman.api(), "/dlq"))).containsExactly(dlqId);
        assertThat(items(aman.api(), "/audit-log?action=dlq.retry")).singleElement()
                .satisfies(r -> assertThat(r.get("outcome").asText()).isEqualTo("conflict"));
    }

    @AmanTest
    void retry_of_an_unknown_or_malformed_id_is_404(Aman aman) {
        ApiResult unknown = confirmed(aman.api()).post("/dlq/0195f3c2-6a2e-7b10-9c1d-3f2a4b5c6d7e/retry");
        ApiResult malformed = confirmed(aman.api()).post("/dlq/nope/retry");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("not found: dlq entry 0195f3c2-6a2e-7b10-9c1d-3f2a4b5c6d7e");
        assertThat(malformed.status()).isEqualTo(404);
    }

    @AmanTest
    void retry_reason_over_500_characters_is_400(Aman aman) {
        String dlqId = deadLetteredEntry(aman);

        ApiResult res = confirmed(aman.api()).post("/dlq/" + dlqId + "/retry", "{\"reason\": \"" + "r".repeat(501) + "\"}");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: reason");
        assertThat(items(aman.api(), "/dlq")).hasSize(1);
    }

    // ---- discard ----

    @AmanTest
    void discard_returns_the_entry_and_removes_it(Aman aman) {
        String dlqId = deadLetteredEntry(aman);
        JsonNode listed = items(aman.api(), "/dlq").get(0);

        ApiResult res = aman.api().with("x-aman-operator", "bob").post("/dlq/" + dlqId + "/discard");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json()).isEqualTo(listed);
        assertThat(items(aman.api(), "/dlq")).isEmpty();
        assertThat(aman.api().get("/dlq/depth").json().get("depth").asLong()).isZero();
        ApiResult again = aman.api().post("/dlq/" + dlqId + "/discard");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.error()).isEqualTo("not found: dlq entry " + dlqId);
        List<JsonNode> audit = items(aman.api(), "/audit-log?action=dlq.discard&order=asc");
        assertThat(audit).extracting(r -> r.get("outcome").asText()).containsExactly("ok", "not_found");
        assertThat(audit.get(0).get("operator").asText()).isEqualTo("bob");
        assertThat(audit.get(0).get("target").asText()).isEqualTo("dlq:" + dlqId);
        await().atMost(20, SECONDS).untilAsserted(() ->
                assertThat(items(aman.api(), "/events/recent?event_type=" + enc("dlq:discarded"))).singleElement()
                        .satisfies(ev -> {
                            assertThat(ev.get("payload").get("dlq_id").asText()).isEqualTo(dlqId);
                            assertThat(ev.get("payload").get("operator").asText()).isEqualTo("bob");
                        }));
    }

    @AmanTest
    void discarded_entry_cannot_be_retried(Aman aman) {
        String dlqId = deadLetteredEntry(aman);
        aman.api().post("/dlq/" + dlqId + "/discard");

        ApiResult res = confirmed(aman.api()).post("/dlq/" + dlqId + "/retry");

        assertThat(res.status()).isEqualTo(404);
    }

    // ---- durability ----

    @AmanTest
    void dlq_entries_survive_a_restart(Aman aman) {
        String dlqId = deadLetteredEntry(aman);
        JsonNode before = items(aman.api(), "/dlq").get(0);

        aman.restart();

        assertThat(items(aman.api(), "/dlq")).singleElement().isEqualTo(before);
        assertThat(aman.api().get("/dlq/depth").json().get("depth").asLong()).isEqualTo(1);
        ApiResult retried = confirmed(aman.api()).post("/dlq/" + dlqId + "/retry");
        assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    }

    // ---- helpers ----

    /** One entry for handler {@code skill:broken}, which fails the original event for good and accepts retries. */
    private static String deadLetteredEntry(Aman aman) {
        aman.config(FAST_RETRY);
        aman.subscribe(new ScriptedHandler("skill:broken", "demo.", (e, n) -> {
            if (e.metadata().retryCount() == 0) {
                throw dev.aman.bus.HandlerFailure.nonRetryable("tool_failed", "down");
            }
        }));
        String id = push(aman, "billing", "demo.invoice");
        awaitStatus(aman, id, "dead_lettered");
        return items(aman.api(), "/dlq").get(0).get("id").asText();
    }

    private static String push(Aman aman, String source, String type) {
        return pushOk(aman.api(), "{\"source\": \"" + source + "\", \"event_type\": \"" + type + "\", \"payload\": {\"amount\": 120}}")
                .get("id").asText();
    }

    private static JsonNode awaitStatus(Aman aman, String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(30, SECONDS).untilAsserted(() -> {
            last[0] = dump(aman, id);
            assertThat(last[0].get("status").asText()).as(last[0].toString()).isEqualTo(status);
        });
        return last[0];
    }

    private static ApiClient confirmed(ApiClient api) {
        return api.with("x-aman-confirm", "yes");
    }

    private static List<String> eventIds(List<JsonNode> entries) {
        return entries.stream().map(e -> e.get("event").get("id").asText()).toList();
    }
}
