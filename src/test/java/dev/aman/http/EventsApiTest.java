package dev.aman.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.testing.Aman;
import dev.aman.testing.AmanTest;
import dev.aman.testing.ApiClient;
import dev.aman.testing.ApiResult;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Events API (API.md §7, FORMATS §4.1–§4.4): push with its validation, dedup and idempotency, inject,
 * trace, dump, recent and types.
 */
class EventsApiTest {
    private static final String UUID_V7 = "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private static final String FAST_RETRY = "event_bus:\n  retry:\n    base_delay_ms: 10\n    max_delay_ms: 50\n    jitter: 0\n";
    private static final String DEBUG_ON = "runtime:\n  force_enable_debug_endpoints: true\n";

    /** Every built-in type of FORMATS §4.4. */
    private static final List<String> BUILTIN = List.of(
            "timer_tick", "heartbeat", "cron_tick", "cron_missed", "webhook_received", "file_created", "file_changed",
            "file_deleted", "message_received", "agent:message", "idle", "system_signal", "system.queue_drained",
            "runtime:phase_changed", "runtime:ready", "runtime:stopping", "backpressure_changed", "config_changed",
            "dlq:enqueued", "dlq:retried", "dlq:discarded", "dlq:expired", "notification:created", "injection_detected",
            "capability_registry_updated", "skill_loaded", "skill_reloaded", "skill:enabled", "skill:disabled",
            "skill:rolled_back", "skill:completed", "skill:action_failed", "soul_changed", "workflow:instance_created",
            "workflow_state_changed", "workflow:reloaded", "session:started", "session:closed", "session:deleted",
            "chat:message_edited", "chat:stop_requested", "agent:turn_started", "agent:reply_stream_start",
            "agent:reply_chunk", "agent:reply_stream_done", "agent:reply_ready", "agent:reply_interrupted",
            "agent:reply_error", "agent:max_turns_reached", "agent:status_changed", "agent:registered", "agent:reloaded",
            "tool:dispatched", "tool:completed", "tool:failed", "tool:security_denied", "tool_auth_required",
            "tool_auth_resolved", "llm:call_started", "llm:call_ended", "llm_error", "llm:fallback",
            "llm:provider_down", "llm:provider_recovered", "plugin:installed", "plugin:uninstalled", "plugin:enabled",
            "plugin:disabled", "plugin:started", "plugin:stopped", "plugin:crashed", "plugin:failed");

    // ---- push: the answer and the delivery ----

    @AmanTest
    void push_with_a_minimal_body_is_admitted_as_a_pending_global_at_least_once_event(Aman aman) {
        ApiResult res = aman.api().post("/events/push", "{\"source\": \"billing\", \"event_type\": \"demo.ping\"}");

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(fieldNames(body)).containsExactly("id", "event_type", "target", "trace_id", "delivery", "status", "duplicate");
        assertThat(body.get("id").asText()).matches(UUID_V7);
        assertThat(body.get("event_type").asText()).isEqualTo("demo.ping");
        assertThat(body.get("target").asText()).isEqualTo("global");
        assertThat(body.get("trace_id").asText()).matches(UUID_V7);
        assertThat(body.get("delivery").asText()).isEqualTo("at_least_once");
        assertThat(body.get("status").asText()).isEqualTo("pending");
        assertThat(body.get("duplicate").asBoolean()).isFalse();
        assertThat(res.header("content-type")).startsWith("application/json");
    }

    @AmanTest
    void pushed_event_reaches_a_subscribed_handler_and_dump_shows_its_delivery(Aman aman) {
        ScriptedHandler handler = ScriptedHandler.succeeding("skill:fake", "demo.");
        aman.subscribe(handler);

        String id = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.ping\", \"payload\": {\"n\": 1}}")
                .get("id").asText();

        await().atMost(20, SECONDS).untilAsserted(() -> assertThat(dump(aman, id).get("status").asText()).isEqualTo("delivered"));
        assertThat(handler.calls()).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(id);
            assertThat(e.payload().get("n").asInt()).isEqualTo(1);
        });
        JsonNode record = dump(aman, id);
        assertThat(record.get("id").asText()).isEqualTo(id);
        assertThat(record.get("source").asText()).isEqualTo("billing");
        assertThat(record.get("event_type").asText()).isEqualTo("demo.ping");
        assertThat(record.get("priority").asText()).isEqualTo("normal");
        assertThat(record.get("delivery").asText()).isEqualTo("at_least_once");
        assertThat(record.get("dedup_key").isNull()).isTrue();
        assertThat(record.get("metadata").get("trust").asText()).isEqualTo("trusted");
        assertThat(record.get("metadata").get("chain_depth").asInt()).isZero();
        assertThat(record.get("metadata").get("retry_count").asInt()).isZero();
        assertThat(record.get("metadata").get("max_retries").asInt()).isEqualTo(2);
        assertThat(record.get("deliveries")).singleElement().satisfies(d -> {
            assertThat(d.get("handler").asText()).isEqualTo("skill:fake");
            assertThat(d.get("status").asText()).isEqualTo("delivered");
            assertThat(d.get("attempts").asInt()).isEqualTo(1);
            assertThat(d.get("last_error").isNull()).isTrue();
            assertThat(d.get("finished_at_ms").asLong()).isGreaterThanOrEqualTo(record.get("timestamp_ms").asLong());
            assertThat(d.get("dlq_id").isNull()).isTrue();
        });
    }

    @AmanTest
    void push_with_agent_id_targets_the_implicit_agent(Aman aman) {
        JsonNode body = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.ping\", \"agent_id\": \"aman\"}");

        assertThat(body.get("target").asText()).isEqualTo("agent:aman");
        assertThat(dump(aman, body.get("id").asText()).get("metadata").get("agent_id").asText()).isEqualTo("aman");
    }

    @AmanTest
    void push_with_an_unknown_agent_is_400_and_publishes_nothing(Aman aman) {
        ApiResult res = aman.api().post("/events/push", "{\"source\": \"billing\", \"event_type\": \"demo.ping\", \"agent_id\": \"nobody\"}");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: unknown agent nobody");
        assertThat(res.json().get("message").asText()).isEqualTo(res.error());
        assertThat(items(aman.api(), "/events/recent?source=billing")).isEmpty();
    }

    @AmanTest
    void type_alias_is_accepted_alone_and_together_with_an_equal_event_type(Aman aman) {
        JsonNode alone = pushOk(aman.api(), "{\"source\": \"billing\", \"type\": \"demo.alias\"}");
        JsonNode both = pushOk(aman.api(), "{\"source\": \"billing\", \"type\": \"demo.alias\", \"event_type\": \"demo.alias\"}");

        assertThat(alone.get("event_type").asText()).isEqualTo("demo.alias");
        assertThat(both.get("event_type").asText()).isEqualTo("demo.alias");
    }

    // ---- push: validation ----

    private record Invalid(String body, String field) {
    }

    private static final String LONG_KEY = "k".repeat(257);

    private static final List<Invalid> INVALID = List.of(
            new Invalid("{\"event_type\": \"demo.x\"}", "source"),
            new Invalid("{\"source\": null, \"event_type\": \"demo.x\"}", "source"),
            new Invalid("{\"source\": \"\", \"event_type\": \"demo.x\"}", "source"),
            new Invalid("{\"source\": \"   \", \"event_type\": \"demo.x\"}", "source"),
            new Invalid("{\"source\": \"-starts-with-dash\", \"event_type\": \"demo.x\"}", "source"),
            new Invalid("{\"source\": \"has space\", \"event_type\": \"demo.x\"}", "source"),
            new Invalid("{\"source\": \"" + "s".repeat(129) + "\", \"event_type\": \"demo.x\"}", "source"),
            new Invalid("{\"source\": \"runtime\", \"event_type\": \"demo.x\"}", "source"),
            new Invalid("{\"source\": \"skill:x\", \"event_type\": \"demo.x\"}", "source"),
            new Invalid("{\"source\": \"plugin:x\", \"event_type\": \"demo.x\"}", "source"),
            new Invalid("{\"source\": \"im:telegram:main\", \"event_type\": \"demo.x\"}", "source"),
            new Invalid("{\"source\": 42, \"event_type\": \"demo.x\"}", "source"),
            new Invalid("{\"source\": \"billing\"}", "event_type"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"\"}", "event_type"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"  \"}", "event_type"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo x\"}", "event_type"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo/x\"}", "event_type"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"runtime:x\"}", "event_type"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"notification:x\"}", "event_type"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"cron_tick\"}", "event_type"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"webhook_received\"}", "event_type"),
            new Invalid("{\"source\": \"billing\", \"event_type\": true}", "event_type"),
            new Invalid("{\"source\": \"billing\", \"type\": \"runtime:x\"}", "event_type"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.a\", \"type\": \"demo.b\"}", "event_type"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"priority\": \"urgent\"}", "priority"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"priority\": \"HIGH\"}", "priority"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"priority\": 1}", "priority"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"delivery\": \"twice\"}", "delivery"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"delivery\": [\"exactly_once\"]}", "delivery"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"ttl_ms\": 0}", "ttl_ms"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"ttl_ms\": -5}", "ttl_ms"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"ttl_ms\": 2592000001}", "ttl_ms"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"ttl_ms\": \"1000\"}", "ttl_ms"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"ttl_ms\": 1.5}", "ttl_ms"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"dedup_key\": \"" + LONG_KEY + "\"}", "dedup_key"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"dedup_key\": 7}", "dedup_key"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"trace_id\": \"short\"}", "trace_id"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"trace_id\": \"has spaces in it\"}", "trace_id"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"trace_id\": \"" + "t".repeat(65) + "\"}", "trace_id"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"trace_id\": 12345678}", "trace_id"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"agent_id\": 5}", "agent_id"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"parent_event_id\": {}}", "parent_event_id"),
            new Invalid("{\"source\": \"billing\", \"event_type\": \"demo.x\", \"workflow_instance_id\": false}", "workflow_instance_id"));

    @AmanTest
    void every_invalid_field_is_400_naming_the_field_and_nothing_is_published(Aman aman) {
        ApiClient api = aman.api();
        for (Invalid c : INVALID) {
            ApiResult res = api.post("/events/push", c.body());

            assertThat(res.status()).as(c.body() + " → " + res).isEqualTo(400);
            assertThat(res.error()).as(c.body()).startsWith("invalid request: " + c.field());
            assertThat(res.json().get("message").asText()).isEqualTo(res.error());
        }
        assertThat(items(api, "/events/recent?source=billing")).isEmpty();
        assertThat(items(api, "/audit-log?action=event.push")).hasSize(INVALID.size())
                .allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("invalid"));
    }

    @AmanTest
    void body_that_is_not_an_object_is_400(Aman aman) {
        for (String body : List.of("[]", "\"text\"", "42")) {
            ApiResult res = aman.api().post("/events/push", body);

            assertThat(res.status()).as(body).isEqualTo(400);
            assertThat(res.error()).isEqualTo("invalid request: body must be a JSON object");
        }
    }

    @AmanTest
    void ttl_and_dedup_key_accept_their_boundary_values(Aman aman) {
        JsonNode max = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.x\", \"ttl_ms\": 2592000000}");
        JsonNode min = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.x\", \"ttl_ms\": 1, \"dedup_key\": \""
                + "k".repeat(256) + "\"}");

        assertThat(dump(aman, max.get("id").asText()).get("metadata").get("ttl_ms").asLong()).isEqualTo(2_592_000_000L);
        assertThat(dump(aman, min.get("id").asText()).get("metadata").get("ttl_ms").asLong()).isEqualTo(1L);
    }

    @AmanTest
    void payload_over_max_payload_bytes_is_413(Aman aman) {
        aman.config("event_bus:\n  max_payload_bytes: 1KiB\n");
        String big = "x".repeat(1100);

        ApiResult res = aman.api().post("/events/push", "{\"source\": \"billing\", \"event_type\": \"demo.big\", \"payload\": \"" + big + "\"}");

        assertThat(res.status()).isEqualTo(413);
        assertThat(res.error()).isEqualTo("payload too large");
        assertThat(items(aman.api(), "/events/recent?source=billing")).isEmpty();
        pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.big\", \"payload\": \"" + "x".repeat(900) + "\"}");
    }

    // ---- exactly-once dedup ----

    @AmanTest
    void exactly_once_duplicate_returns_the_first_event(Aman aman) {
        JsonNode first = pushOk(aman.api(),
                "{\"source\": \"billing\", \"event_type\": \"demo.once\", \"delivery\": \"exactly_once\", \"dedup_key\": \"inv-1\"}");
        JsonNode second = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.once\", \"delivery\": \"exactly_once\","
                + " \"dedup_key\": \"inv-1\", \"payload\": {\"other\": true}}");

        assertThat(first.get("duplicate").asBoolean()).isFalse();
        assertThat(second.get("duplicate").asBoolean()).isTrue();
        assertThat(second.get("id").asText()).isEqualTo(first.get("id").asText());
        assertThat(second.get("trace_id").asText()).isEqualTo(first.get("trace_id").asText());
        assertThat(second.get("delivery").asText()).isEqualTo("exactly_once");
        assertThat(second.get("status").asText()).isIn("pending", "delivered");
        assertThat(items(aman.api(), "/events/recent?source=billing")).hasSize(1);
        assertThat(dump(aman, first.get("id").asText()).get("dedup_key").asText()).isEqualTo("inv-1");
        JsonNode audit = items(aman.api(), "/audit-log?action=event.push").get(0);
        assertThat(audit.get("detail").asText()).endsWith("duplicate=true");
    }

    @AmanTest
    void exactly_once_without_a_key_dedups_identical_pushes(Aman aman) {
        String body = "{\"source\": \"billing\", \"event_type\": \"demo.once\", \"delivery\": \"exactly_once\", \"payload\": {\"a\": 1, \"b\": 2}}";
        JsonNode first = pushOk(aman.api(), body);
        JsonNode same = pushOk(aman.api(), "{\"payload\": {\"b\": 2, \"a\": 1}, \"delivery\": \"exactly_once\", \"event_type\": \"demo.once\", \"source\": \"billing\"}");
        JsonNode other = pushOk(aman.api(), body.replace("\"a\": 1", "\"a\": 3"));

        assertThat(same.get("duplicate").asBoolean()).isTrue();
        assertThat(same.get("id").asText()).isEqualTo(first.get("id").asText());
        assertThat(other.get("duplicate").asBoolean()).isFalse();
        assertThat(dump(aman, first.get("id").asText()).get("dedup_key").asText()).matches("sha256:[0-9a-f]{64}");
    }

    @AmanTest
    void at_least_once_ignores_the_dedup_key(Aman aman) {
        String body = "{\"source\": \"billing\", \"event_type\": \"demo.twice\", \"dedup_key\": \"same\"}";
        JsonNode first = pushOk(aman.api(), body);
        JsonNode second = pushOk(aman.api(), body);

        assertThat(second.get("duplicate").asBoolean()).isFalse();
        assertThat(second.get("id").asText()).isNotEqualTo(first.get("id").asText());
    }

    @AmanTest
    void idempotency_key_is_the_default_dedup_key_of_an_exactly_once_push(Aman aman) {
        JsonNode first = pushOk(aman.api().with("Idempotency-Key", "order-77"),
                "{\"source\": \"billing\", \"event_type\": \"demo.once\", \"delivery\": \"exactly_once\"}");
        JsonNode viaKey = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.once\", \"delivery\": \"exactly_once\","
                + " \"dedup_key\": \"order-77\", \"payload\": {\"different\": 1}}");

        assertThat(dump(aman, first.get("id").asText()).get("dedup_key").asText()).isEqualTo("order-77");
        assertThat(viaKey.get("duplicate").asBoolean()).isTrue();
        assertThat(viaKey.get("id").asText()).isEqualTo(first.get("id").asText());
        assertThat(viaKey.get("trace_id").asText()).isEqualTo(first.get("trace_id").asText());
    }

    // ---- idempotency keys ----

    @AmanTest
    void idempotency_key_replay_returns_the_stored_body_byte_for_byte_and_is_not_audited(Aman aman) {
        ApiClient keyed = aman.api().with("Idempotency-Key", "push-1");
        String body = "{\"source\": \"billing\", \"event_type\": \"demo.idem\", \"payload\": {\"a\": 1, \"b\": [1, 2]}}";

        ApiResult first = keyed.post("/events/push", body);
        ApiResult replay = keyed.post("/events/push", body);
        ApiResult reordered = keyed.post("/events/push", "{\"payload\":{\"b\":[1,2],\"a\":1},\"event_type\":\"demo.idem\",\"source\":\"billing\"}");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("idempotent-replay")).isNull();
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(replay.header("idempotent-replay")).isEqualTo("true");
        assertThat(reordered.body()).isEqualTo(first.body());
        assertThat(reordered.header("idempotent-replay")).isEqualTo("true");
        assertThat(items(aman.api(), "/events/recent?source=billing")).hasSize(1);
        assertThat(items(aman.api(), "/audit-log?action=event.push")).hasSize(1);
    }

    @AmanTest
    void idempotency_key_reused_with_another_body_is_409(Aman aman) {
        ApiClient keyed = aman.api().with("Idempotency-Key", "push-2");
        pushOk(keyed, "{\"source\": \"billing\", \"event_type\": \"demo.idem\"}");

        ApiResult res = keyed.post("/events/push", "{\"source\": \"billing\", \"event_type\": \"demo.other\"}");

        assertThat(res.status()).isEqualTo(409);
        assertThat(res.error()).isEqualTo("idempotency key reused");
        assertThat(items(aman.api(), "/events/recent?source=billing")).hasSize(1);
    }

    @AmanTest
    void failed_request_with_a_key_stores_nothing_so_the_corrected_repeat_executes(Aman aman) {
        ApiClient keyed = aman.api().with("Idempotency-Key", "push-3");

        ApiResult bad = keyed.post("/events/push", "{\"source\": \"billing\", \"event_type\": \"demo.idem\", \"priority\": \"urgent\"}");
        ApiResult fixed = keyed.post("/events/push", "{\"source\": \"billing\", \"event_type\": \"demo.idem\", \"priority\": \"high\"}");
        ApiResult again = keyed.post("/events/push", "{\"source\": \"billing\", \"event_type\": \"demo.idem\", \"priority\": \"high\"}");

        assertThat(bad.status()).isEqualTo(400);
        assertThat(fixed.status()).as(fixed.toString()).isEqualTo(200);
        assertThat(fixed.header("idempotent-replay")).isNull();
        assertThat(again.header("idempotent-replay")).isEqualTo("true");
        assertThat(again.body()).isEqualTo(fixed.body());
    }

    @AmanTest
    void invalid_body_with_a_used_key_is_400_because_validation_precedes_the_idempotency_lookup(Aman aman) {
        ApiClient keyed = aman.api().with("Idempotency-Key", "push-4");
        pushOk(keyed, "{\"source\": \"billing\", \"event_type\": \"demo.idem\"}");

        ApiResult res = keyed.post("/events/push", "{\"source\": \"billing\", \"event_type\": \"demo.idem\", \"ttl_ms\": 0}");

        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: ttl_ms");
    }

    @AmanTest
    void malformed_idempotency_key_is_400(Aman aman) {
        ApiResult res = aman.api().with("Idempotency-Key", "k".repeat(256))
                .post("/events/push", "{\"source\": \"billing\", \"event_type\": \"demo.idem\"}");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request");
    }

    // ---- trace ----

    @AmanTest
    void client_trace_id_joins_events_into_one_trace_listed_oldest_first_with_deliveries(Aman aman) {
        aman.subscribe(ScriptedHandler.succeeding("skill:fake", "demo."));
        String a = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.first\", \"trace_id\": \"order-trace-1\"}")
                .get("id").asText();
        JsonNode second = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.second\", \"trace_id\": \"order-trace-1\","
                + " \"parent_event_id\": \"" + a + "\"}");
        pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.elsewhere\"}");
        String b = second.get("id").asText();
        assertThat(second.get("trace_id").asText()).isEqualTo("order-trace-1");

        await().atMost(20, SECONDS).untilAsserted(() ->
                assertThat(aman.api().get("/events/trace/order-trace-1").json().get("items"))
                        .allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("delivered")));
        ApiResult res = aman.api().get("/events/trace/order-trace-1");

        assertThat(res.status()).isEqualTo(200);
        JsonNode trace = res.json();
        assertThat(trace.get("trace_id").asText()).isEqualTo("order-trace-1");
        assertThat(ids(trace.get("items"))).containsExactly(a, b);
        assertThat(trace.get("items")).allSatisfy(r -> {
            assertThat(r.get("metadata").get("trace_id").asText()).isEqualTo("order-trace-1");
            assertThat(r.get("deliveries")).singleElement()
                    .satisfies(d -> assertThat(d.get("handler").asText()).isEqualTo("skill:fake"));
        });
        assertThat(trace.get("items").get(1).get("metadata").get("parent_event_id").asText()).isEqualTo(a);
        assertThat(trace.get("next_cursor").isNull()).isTrue();
        assertThat(trace.get("cycle_detected").asBoolean()).isFalse();
        assertThat(trace.get("cycle_path")).isEmpty();
    }

    @AmanTest
    void trace_pages_follow_the_cursor_oldest_first(Aman aman) {
        List<String> pushed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pushed.add(pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.step\", \"trace_id\": \"paged-trace\"}")
                    .get("id").asText());
        }

        List<String> seen = new ArrayList<>();
        String path = "/events/trace/paged-trace?limit=2";
        int pages = 0;
        while (path != null) {
            JsonNode page = aman.api().get(path).json();
            pages++;
            page.get("items").forEach(r -> seen.add(r.get("id").asText()));
            assertThat(page.get("cycle_detected").asBoolean()).isFalse();
            JsonNode next = page.get("next_cursor");
            path = next.isNull() ? null : "/events/trace/paged-trace?limit=2&cursor=" + enc(next.asText());
        }

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(pushed);
    }

    @AmanTest
    void unknown_or_malformed_trace_is_404(Aman aman) {
        ApiResult unknown = aman.api().get("/events/trace/no-such-trace");
        ApiResult malformed = aman.api().get("/events/trace/short");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).startsWith("not found: trace");
        assertThat(malformed.status()).isEqualTo(404);
        assertThat(malformed.error()).startsWith("not found");
    }

    // ---- dump ----

    @AmanTest
    void dump_of_an_unknown_or_malformed_id_is_404(Aman aman) {
        ApiResult unknown = aman.api().get("/events/dump/0195f3c1-6a2e-7b10-9c1d-3f2a4b5c6d7e");
        ApiResult malformed = aman.api().get("/events/dump/not-an-id");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("not found: event 0195f3c1-6a2e-7b10-9c1d-3f2a4b5c6d7e");
        assertThat(malformed.status()).isEqualTo(404);
        assertThat(malformed.error()).startsWith("not found");
    }

    @AmanTest
    void dump_accepts_the_id_in_upper_case(Aman aman) {
        String id = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.ping\"}").get("id").asText();

        ApiResult res = aman.api().get("/events/dump/" + id.toUpperCase(java.util.Locale.ROOT));

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("id").asText()).isEqualTo(id);
    }

    // ---- recent ----

    @AmanTest
    void recent_lists_events_newest_first_without_deliveries(Aman aman) {
        aman.subscribe(ScriptedHandler.succeeding("skill:fake", "demo."));
        List<String> pushed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pushed.add(pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.n" + i + "\"}").get("id").asText());
        }

        ApiResult res = aman.api().get("/events/recent?source=billing");

        assertThat(res.status()).isEqualTo(200);
        assertThat(ids(res.json().get("items"))).containsExactlyElementsOf(pushed.reversed());
        assertThat(res.json().get("items")).allSatisfy(r -> {
            assertThat(r.has("deliveries")).isFalse();
            assertThat(r.get("status").asText()).isIn("pending", "delivered");
        });
        assertThat(res.json().get("next_cursor").isNull()).isTrue();
    }

    @AmanTest
    void recent_filters_by_event_type_glob_and_source(Aman aman) {
        String a = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.created\"}").get("id").asText();
        String b = pushOk(aman.api(), "{\"source\": \"shop\", \"event_type\": \"demo.updated\"}").get("id").asText();
        String c = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"other.created\"}").get("id").asText();
        pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demoXcreated\"}");

        assertThat(ids(items(aman.api(), "/events/recent?event_type=" + enc("demo.*")))).containsExactly(b, a);
        assertThat(ids(items(aman.api(), "/events/recent?event_type=demo.created"))).containsExactly(a);
        assertThat(ids(items(aman.api(), "/events/recent?event_type=" + enc("*.created")))).containsExactly(c, a);
        assertThat(ids(items(aman.api(), "/events/recent?source=shop"))).containsExactly(b);
        assertThat(ids(items(aman.api(), "/events/recent?source=" + enc("sh*")))).containsExactly(b);
        assertThat(ids(items(aman.api(), "/events/recent?source=billing&event_type=" + enc("demo.*")))).containsExactly(a);
        assertThat(items(aman.api(), "/events/recent?source=nobody")).isEmpty();
    }

    @AmanTest
    void recent_filters_by_agent_id(Aman aman) {
        pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.x\"}");
        String targeted = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.x\", \"agent_id\": \"aman\"}")
                .get("id").asText();

        assertThat(ids(items(aman.api(), "/events/recent?agent_id=aman"))).containsExactly(targeted);
        assertThat(items(aman.api(), "/events/recent?agent_id=nobody")).isEmpty();
    }

    @AmanTest
    void recent_filters_by_status(Aman aman) {
        aman.config(FAST_RETRY);
        aman.subscribe(ScriptedHandler.succeeding("skill:fine", "demo.ok"));
        aman.subscribe(ScriptedHandler.failingForGood("skill:broken", "demo.fail"));
        String ok = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.ok\"}").get("id").asText();
        String failed = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.fail\"}").get("id").asText();
        await().atMost(20, SECONDS).untilAsserted(() -> {
            assertThat(dump(aman, ok).get("status").asText()).isEqualTo("delivered");
            assertThat(dump(aman, failed).get("status").asText()).isEqualTo("dead_lettered");
        });

        assertThat(ids(items(aman.api(), "/events/recent?source=billing&status=dead_lettered"))).containsExactly(failed);
        assertThat(ids(items(aman.api(), "/events/recent?source=billing&status=delivered"))).containsExactly(ok);
        assertThat(items(aman.api(), "/events/recent?source=billing&status=pending")).isEmpty();
        ApiResult bad = aman.api().get("/events/recent?status=lost");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).startsWith("invalid request: status");
    }

    @AmanTest
    void recent_filters_by_since_ms(Aman aman) {
        JsonNode first = dump(aman, pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.early\"}").get("id").asText());
        long firstAt = first.get("timestamp_ms").asLong();
        await().atMost(5, SECONDS).until(() -> System.currentTimeMillis() > firstAt);
        String later = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.late\"}").get("id").asText();

        assertThat(ids(items(aman.api(), "/events/recent?source=billing&since_ms=" + (firstAt + 1)))).containsExactly(later);
        assertThat(items(aman.api(), "/events/recent?source=billing&since_ms=" + firstAt)).hasSize(2);
        assertThat(aman.api().get("/events/recent?since_ms=yesterday").status()).isEqualTo(400);
    }

    @AmanTest
    void recent_cursor_pages_cover_every_event_once_even_while_new_ones_arrive(Aman aman) {
        List<String> pushed = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            pushed.add(pushOk(aman.api(), "{\"source\": \"pager\", \"event_type\": \"demo.page\"}").get("id").asText());
        }

        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String path = "/events/recent?source=pager&limit=3";
        while (path != null) {
            ApiResult res = aman.api().get(path);
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            List<String> page = ids(res.json().get("items"));
            seen.addAll(page);
            sizes.add(page.size());
            pushOk(aman.api(), "{\"source\": \"pager\", \"event_type\": \"demo.page\"}"); // newer: never on a later page
            JsonNode next = res.json().get("next_cursor");
            path = next.isNull() ? null : "/events/recent?source=pager&limit=3&cursor=" + enc(next.asText());
        }

        assertThat(sizes).containsExactly(3, 3, 1);
        assertThat(seen).containsExactlyElementsOf(pushed.reversed());
    }

    @AmanTest
    void recent_cursor_used_with_other_filters_is_400(Aman aman) {
        for (int i = 0; i < 3; i++) {
            pushOk(aman.api(), "{\"source\": \"pager\", \"event_type\": \"demo.page\"}");
        }
        String cursor = aman.api().get("/events/recent?source=pager&limit=1").json().get("next_cursor").asText();

        ApiResult res = aman.api().get("/events/recent?source=billing&limit=1&cursor=" + enc(cursor));

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: cursor does not match this query");
    }

    // ---- types ----

    @AmanTest
    void types_list_every_builtin_as_builtin_and_reserved_and_pushed_types_with_last_seen(Aman aman) {
        long before = System.currentTimeMillis();
        String id = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.seen\"}").get("id").asText();
        long at = dump(aman, id).get("timestamp_ms").asLong();

        ApiResult res = aman.api().get("/events/types");

        assertThat(res.status()).isEqualTo(200);
        List<JsonNode> types = list(res.json().get("items"));
        assertThat(types).extracting(t -> t.get("event_type").asText()).isSortedAccordingTo(Comparator.naturalOrder())
                .doesNotHaveDuplicates().containsAll(BUILTIN);
        for (String builtin : BUILTIN) {
            JsonNode t = type(types, builtin);
            assertThat(t.get("builtin").asBoolean()).as(builtin).isTrue();
            assertThat(t.get("reserved").asBoolean()).as(builtin).isTrue();
            assertThat(t.get("declared_by").isArray()).isTrue();
        }
        assertThat(type(types, "runtime:ready").get("last_seen_at_ms").asLong()).isPositive();
        assertThat(type(types, "cron_tick").get("last_seen_at_ms").isNull()).isTrue();
        JsonNode seen = type(types, "demo.seen");
        assertThat(seen.get("builtin").asBoolean()).isFalse();
        assertThat(seen.get("reserved").asBoolean()).isFalse();
        assertThat(seen.get("declared_by")).isEmpty();
        assertThat(seen.get("last_seen_at_ms").asLong()).isEqualTo(at).isGreaterThanOrEqualTo(before);
    }

    @AmanTest
    void last_seen_of_a_type_moves_with_each_push_and_survives_a_restart(Aman aman) {
        pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.seen\"}");
        long first = type(list(aman.api().get("/events/types").json().get("items")), "demo.seen").get("last_seen_at_ms").asLong();
        await().atMost(5, SECONDS).until(() -> System.currentTimeMillis() > first);
        String id = pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.seen\"}").get("id").asText();
        long second = dump(aman, id).get("timestamp_ms").asLong();

        aman.restart();

        JsonNode seen = type(list(aman.api().get("/events/types").json().get("items")), "demo.seen");
        assertThat(seen.get("last_seen_at_ms").asLong()).isEqualTo(second).isGreaterThan(first);
    }

    // ---- inject ----

    @AmanTest
    void inject_event_is_403_and_audited_as_forbidden_when_debug_endpoints_are_off(Aman aman) {
        ApiResult res = aman.api().post("/inject-event", "{\"source\": \"runtime\", \"event_type\": \"cron_tick\"}");

        assertThat(res.status()).isEqualTo(403);
        assertThat(res.error()).isEqualTo("debug endpoints disabled");
        assertThat(items(aman.api(), "/events/recent?event_type=cron_tick")).isEmpty();
        assertThat(items(aman.api(), "/audit-log?action=event.inject")).singleElement().satisfies(r -> {
            assertThat(r.get("outcome").asText()).isEqualTo("forbidden");
            assertThat(r.get("detail").asText()).isEqualTo("force_enable_debug_endpoints=false");
        });
    }

    @AmanTest
    void inject_event_with_debug_endpoints_on_admits_a_builtin_type_from_a_reserved_source(Aman aman) {
        aman.config(DEBUG_ON);
        ScriptedHandler cron = ScriptedHandler.succeeding("skill:cron-watcher", "cron_tick");
        aman.subscribe(cron);

        ApiResult res = aman.api().post("/inject-event",
                "{\"source\": \"runtime\", \"event_type\": \"cron_tick\", \"payload\": {\"job_id\": \"cron:x\"}}");

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(fieldNames(body)).containsExactly("id", "event_type", "target", "trace_id", "delivery", "status", "duplicate");
        assertThat(body.get("event_type").asText()).isEqualTo("cron_tick");
        assertThat(body.get("target").asText()).isEqualTo("global");
        String id = body.get("id").asText();
        await().atMost(20, SECONDS).untilAsserted(() -> assertThat(cron.calls()).extracting(e -> e.id()).containsExactly(id));
        JsonNode record = dump(aman, id);
        assertThat(record.get("source").asText()).isEqualTo("runtime");
        assertThat(record.get("metadata").get("trust").asText()).isEqualTo("trusted");
        assertThat(items(aman.api(), "/audit-log?action=event.inject")).singleElement().satisfies(r -> {
            assertThat(r.get("outcome").asText()).isEqualTo("ok");
            assertThat(r.get("target").asText()).isEqualTo("event:" + id);
        });
    }

    @AmanTest
    void injected_event_may_be_untrusted(Aman aman) {
        aman.config(DEBUG_ON);

        String id = pushOk(aman.api(), "/inject-event", "{\"source\": \"webhook:x\", \"event_type\": \"webhook_received\", \"trust\": \"untrusted\"}")
                .get("id").asText();

        assertThat(dump(aman, id).get("metadata").get("trust").asText()).isEqualTo("untrusted");
        ApiResult bad = aman.api().post("/inject-event", "{\"source\": \"webhook:x\", \"event_type\": \"webhook_received\", \"trust\": \"maybe\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).startsWith("invalid request: trust");
    }

    @AmanTest
    void inject_event_still_validates_patterns(Aman aman) {
        aman.config(DEBUG_ON);

        ApiResult res = aman.api().post("/inject-event", "{\"source\": \"runtime\", \"event_type\": \"bad type\"}");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: event_type");
    }

    // ---- audit ----

    @AmanTest
    void push_writes_one_audit_record_naming_the_event(Aman aman) {
        String id = pushOk(aman.api().with("x-aman-operator", "alice").with("x-request-id", "push-audit-1"),
                "{\"source\": \"billing\", \"event_type\": \"demo.audited\"}").get("id").asText();

        assertThat(items(aman.api(), "/audit-log?action=event.push")).singleElement().satisfies(r -> {
            assertThat(r.get("target").asText()).isEqualTo("event:" + id);
            assertThat(r.get("outcome").asText()).isEqualTo("ok");
            assertThat(r.get("operator").asText()).isEqualTo("alice");
            assertThat(r.get("request_id").asText()).isEqualTo("push-audit-1");
            assertThat(r.get("detail").asText())
                    .isEqualTo("event_type=demo.audited target=global delivery=at_least_once duplicate=false");
        });
    }

    @AmanTest
    void push_to_an_agent_is_audited_with_its_target(Aman aman) {
        pushOk(aman.api(), "{\"source\": \"billing\", \"event_type\": \"demo.audited\", \"agent_id\": \"aman\", \"delivery\": \"exactly_once\"}");

        assertThat(items(aman.api(), "/audit-log?action=event.push")).singleElement().satisfies(r ->
                assertThat(r.get("detail").asText())
                        .isEqualTo("event_type=demo.audited target=agent:aman delivery=exactly_once duplicate=false"));
    }

    // ---- helpers ----

    static JsonNode pushOk(ApiClient api, String body) {
        return pushOk(api, "/events/push", body);
    }

    static JsonNode pushOk(ApiClient api, String path, String body) {
        ApiResult res = api.post(path, body);
        assertThat(res.status()).as(path + " " + body + " → " + res).isEqualTo(200);
        return res.json();
    }

    static JsonNode dump(Aman aman, String id) {
        ApiResult res = aman.api().get("/events/dump/" + id);
        assertThat(res.status()).as("dump " + id + " → " + res).isEqualTo(200);
        return res.json();
    }

    static List<JsonNode> items(ApiClient api, String path) {
        ApiResult res = api.get(path);
        assertThat(res.status()).as(path + " → " + res).isEqualTo(200);
        return list(res.json().get("items"));
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    static List<String> ids(JsonNode array) {
        return ids(list(array));
    }

    static List<String> ids(List<JsonNode> records) {
        return records.stream().map(r -> r.get("id").asText()).toList();
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode type(List<JsonNode> types, String name) {
        return types.stream().filter(t -> t.get("event_type").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("type " + name + " not listed"));
    }
}
