package dev.aman.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.testing.Aman;
import dev.aman.testing.AmanTest;
import dev.aman.testing.ApiClient;
import dev.aman.testing.ApiResult;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The conventions every endpoint shares (API.md §1.1, §1.4, §1.7–§1.9, §1.14): routing, request ids, body
 * limits and parsing, error bodies, Host/Origin checks, CORS and readiness.
 */
class ConventionsApiTest {
    private static final String UUID_V7 = "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    /** event_bus.max_payload_bytes must not exceed http.max_body_bytes (FORMATS §2.7.5), so both shrink. */
    private static final String SMALL_BODY_LIMIT = "http:\n  max_body_bytes: 1KiB\nevent_bus:\n  max_payload_bytes: 1KiB\n";
    private static final String CHANGE = "{\"changes\": {\"llm.max_turns\": 24}}";

    // ---- routing ----

    @AmanTest
    void unknown_path_is_404_not_found_as_json(Aman aman) {
        ApiResult res = aman.api().get("/no/such/path");

        assertThat(res.status()).isEqualTo(404);
        assertThat(res.error()).isEqualTo("not found");
        assertThat(res.json().get("message").asText()).isEqualTo("not found");
        assertThat(res.header("content-type")).startsWith("application/json");
    }

    @AmanTest
    void unknown_path_is_404_even_without_a_token(Aman aman) {
        ApiResult res = aman.anonymous().get("/no/such/path");

        assertThat(res.status()).isEqualTo(404);
        assertThat(res.error()).isEqualTo("not found");
    }

    @AmanTest
    void trailing_slash_makes_a_different_path(Aman aman) {
        for (String path : List.of("/runtime/status/", "/health/live/", "/audit-log/")) {
            ApiResult res = aman.api().get(path);
            assertThat(res.status()).as(path).isEqualTo(404);
            assertThat(res.error()).isEqualTo("not found");
        }
    }

    @AmanTest
    void paths_are_case_sensitive(Aman aman) {
        ApiResult res = aman.api().get("/Runtime/Status");

        assertThat(res.status()).isEqualTo(404);
    }

    @AmanTest
    void get_on_a_post_only_route_is_405_with_allow_post(Aman aman) {
        ApiResult res = aman.api().get("/agent/start");

        assertThat(res.status()).isEqualTo(405);
        assertThat(res.header("allow")).isEqualTo("POST");
        assertThat(res.error()).isEqualTo("method not allowed");
        assertThat(res.json().get("message").asText()).isEqualTo("method not allowed");
    }

    @AmanTest
    void post_on_a_get_only_route_is_405_with_allow_get(Aman aman) {
        ApiResult res = aman.api().post("/runtime/status");

        assertThat(res.status()).isEqualTo(405);
        assertThat(res.header("allow")).isEqualTo("GET");
        assertThat(res.error()).isEqualTo("method not allowed");
    }

    @AmanTest
    void method_check_runs_before_authentication(Aman aman) {
        ApiResult res = aman.anonymous().get("/agent/start");

        assertThat(res.status()).isEqualTo(405);
        assertThat(res.header("allow")).isEqualTo("POST");
    }

    @AmanTest
    void unknown_query_parameters_are_ignored(Aman aman) {
        ApiResult res = aman.api().get("/runtime/status?foo=bar&phase=3");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("phase").asInt()).isEqualTo(5);
    }

    @AmanTest
    void repeated_query_parameter_uses_its_last_value(Aman aman) {
        confirmed(aman).post("/config/set", CHANGE);
        aman.api().post("/agent/start");

        List<JsonNode> records = auditItems(aman, "/audit-log?limit=0&limit=1000&action=agent.start&action=config.set");

        assertThat(records).singleElement().satisfies(r -> assertThat(r.get("action").asText()).isEqualTo("config.set"));
    }

    @AmanTest
    void json_answers_carry_the_utf8_json_content_type(Aman aman) {
        for (ApiResult res : List.of(aman.api().get("/runtime/status"), aman.api().get("/nope"),
                aman.anonymous().get("/runtime/status"), confirmed(aman).post("/config/set", "{"))) {
            // Jetty drops the optional whitespace after ';' — the same media type (RFC 9110 §5.6.6)
            assertThat(res.header("content-type")).as(res.toString()).matches("application/json; ?charset=utf-8");
        }
    }

    @AmanTest
    void a_405_writes_no_audit_record(Aman aman) {
        aman.api().with("x-request-id", "conventions-405").send("PUT", "/agent/start", "{}");

        assertThat(auditItems(aman, "/audit-log?limit=1000"))
                .noneMatch(r -> r.path("request_id").asText().equals("conventions-405"));
    }

    @AmanTest
    void dot_segments_and_encoded_separators_never_reach_a_route(Aman aman) {
        List<String> paths = List.of("/health/%2e%2e/metrics", "/runtime/..%2Fstatus", "/audit-log/../runtime/status",
                "/runtime/%2e%2e/runtime/status", "/runtime%2Fstatus", "/health/..%5Cmetrics", "/runtime/./status",
                "/runtime/%252e%252e/status", "//runtime/status", "/runtime/status;x=1", "/runtime/st%61tus",
                "/runtime/status%20");
        for (String path : paths) {
            ApiResult res = aman.api().get(path);
            assertThat(res.status()).as(path + " → " + res).isEqualTo(404);
            assertThat(res.error()).as(path).isEqualTo("not found");
        }
    }

    @AmanTest
    void nul_in_the_path_never_reaches_a_route_and_answers_a_json_error(Aman aman) {
        // Jetty's parser refuses a percent-encoded NUL in the request target before any handler runs and
        // fixes the status at 400; the body must still be the JSON error of §1.8
        for (String path : List.of("/runtime/status%00", "/health/%00/live")) {
            ApiResult res = aman.api().get(path);
            assertThat(res.status()).as(path + " → " + res).isIn(400, 404);
            assertThat(res.header("content-type")).as(path).matches("application/json; ?charset=utf-8");
            assertThat(res.error()).as(path).isEqualTo(res.json().get("message").asText())
                    .matches("invalid request: .+|not found");
            assertThat(res.header("x-request-id")).as(path).matches(UUID_V7);
        }
    }

    @AmanTest
    void oversized_header_block_answers_a_json_error(Aman aman) {
        ApiResult res = aman.api().with("x-filler", "f".repeat(20_000)).get("/runtime/status");

        assertThat(res.status()).isBetween(400, 499);
        assertThat(res.error()).startsWith("invalid request: ").isEqualTo(res.json().get("message").asText());
    }

    // ---- request ids ----

    @AmanTest
    void valid_client_request_id_is_echoed(Aman aman) {
        ApiResult res = aman.api().with("x-request-id", "client-req-42").get("/runtime/status");

        assertThat(res.header("x-request-id")).isEqualTo("client-req-42");
    }

    @AmanTest
    void request_id_of_128_characters_is_echoed(Aman aman) {
        String id = "r".repeat(128);

        ApiResult res = aman.api().with("x-request-id", id).get("/runtime/status");

        assertThat(res.header("x-request-id")).isEqualTo(id);
    }

    @AmanTest
    void missing_request_id_is_generated_as_uuid_v7(Aman aman) {
        ApiResult res = aman.api().get("/runtime/status");

        assertThat(res.header("x-request-id")).matches(UUID_V7);
    }

    @AmanTest
    void request_id_of_129_characters_is_replaced_by_a_uuid_v7(Aman aman) {
        ApiResult res = aman.api().with("x-request-id", "r".repeat(129)).get("/runtime/status");

        assertThat(res.header("x-request-id")).matches(UUID_V7);
    }

    @AmanTest
    void request_id_with_invisible_characters_is_replaced_by_a_uuid_v7(Aman aman) {
        ApiResult res = aman.api().with("x-request-id", "has space").get("/runtime/status");

        assertThat(res.header("x-request-id")).matches(UUID_V7);
    }

    @AmanTest
    void request_id_is_sent_on_error_answers_too(Aman aman) {
        ApiResult notFound = aman.anonymous().with("x-request-id", "err-1").get("/nope");
        ApiResult unauthorized = aman.anonymous().with("x-request-id", "err-2").get("/runtime/status");

        assertThat(notFound.header("x-request-id")).isEqualTo("err-1");
        assertThat(unauthorized.header("x-request-id")).isEqualTo("err-2");
    }

    @AmanTest
    void audit_record_stores_the_request_id(Aman aman) {
        aman.api().with("x-request-id", "conventions-audit-id").with("x-aman-confirm", "yes").post("/config/set", CHANGE);

        List<JsonNode> records = auditItems(aman, "/audit-log?action=config.set");

        assertThat(records).hasSize(1);
        assertThat(records.get(0).get("request_id").asText()).isEqualTo("conventions-audit-id");
    }

    // ---- body size ----

    @AmanTest
    void body_over_max_body_bytes_with_content_length_is_413(Aman aman) {
        aman.config(SMALL_BODY_LIMIT);

        ApiResult res = aman.api().with("x-aman-confirm", "yes").post("/config/set", paddedChange(4096));

        assertThat(res.status()).isEqualTo(413);
        assertThat(res.error()).isEqualTo("payload too large");
        assertThat(res.json().get("message").asText()).isEqualTo("payload too large");
    }

    @AmanTest
    void chunked_body_over_max_body_bytes_is_413(Aman aman) {
        aman.config(SMALL_BODY_LIMIT);
        byte[] body = paddedChange(4096).getBytes(StandardCharsets.UTF_8);

        ApiResult res = aman.api().with("x-aman-confirm", "yes").sendBody("POST", "/config/set",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

        assertThat(res.status()).isEqualTo(413);
        assertThat(res.error()).isEqualTo("payload too large");
    }

    @AmanTest
    void body_at_max_body_bytes_is_accepted(Aman aman) {
        aman.config(SMALL_BODY_LIMIT);

        ApiResult res = aman.api().with("x-aman-confirm", "yes").post("/config/set", paddedChange(1024));

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
    }

    @AmanTest
    void payload_too_large_writes_no_audit_record_and_changes_nothing(Aman aman) {
        aman.config(SMALL_BODY_LIMIT);
        byte[] body = paddedChange(4096).getBytes(StandardCharsets.UTF_8);
        ApiClient client = aman.api().with("x-aman-confirm", "yes");

        assertThat(client.post("/config/set", paddedChange(4096)).status()).isEqualTo(413);
        assertThat(client.sendBody("POST", "/config/set",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).status()).isEqualTo(413);

        assertThat(auditItems(aman, "/audit-log?action=config.set")).isEmpty();
        assertThat(aman.api().get("/runtime/config").json().get("config_revision").asLong()).isZero();
    }

    @AmanTest
    void authentication_is_checked_before_body_size(Aman aman) {
        aman.config(SMALL_BODY_LIMIT);

        ApiResult res = aman.anonymous().with("x-aman-confirm", "yes").post("/config/set", paddedChange(4096));

        assertThat(res.status()).isEqualTo(401);
    }

    @AmanTest
    void body_size_is_checked_before_confirmation(Aman aman) {
        aman.config(SMALL_BODY_LIMIT);

        ApiResult res = aman.api().post("/config/set", paddedChange(4096));

        assertThat(res.status()).isEqualTo(413);
        assertThat(auditItems(aman, "/audit-log?action=config.set")).isEmpty();
    }

    // ---- body parsing ----

    @AmanTest
    void malformed_json_is_400_invalid_request(Aman aman) {
        ApiResult res = confirmed(aman).post("/config/set", "{\"changes\": {\"llm.max_turns\": 24");

        assertInvalidRequest(res);
    }

    @AmanTest
    void duplicate_key_is_400_invalid_request(Aman aman) {
        ApiResult res = confirmed(aman).post("/config/set",
                "{\"changes\": {\"llm.max_turns\": 24, \"llm.max_turns\": 25}}");

        assertInvalidRequest(res);
        assertThat(aman.api().get("/runtime/config").json().get("overrides")).isEmpty();
    }

    @AmanTest
    void json_array_body_is_400_invalid_request(Aman aman) {
        ApiResult res = confirmed(aman).post("/config/set", "[" + CHANGE + "]");

        assertInvalidRequest(res);
    }

    @AmanTest
    void body_is_parsed_as_json_whatever_its_content_type(Aman aman) {
        ApiResult res = confirmed(aman).with("Content-Type", "text/plain").post("/config/set", CHANGE);

        assertThat(res.status()).isEqualTo(200);
    }

    @AmanTest
    void trailing_garbage_after_the_object_is_400_invalid_request(Aman aman) {
        ApiResult res = confirmed(aman).post("/config/set", CHANGE + " {}");

        assertInvalidRequest(res);
    }

    @AmanTest
    void nesting_deeper_than_64_levels_is_400_malformed_json(Aman aman) {
        ApiResult res = confirmed(aman).post("/config/set", nested(65));

        assertInvalidRequest(res);
        assertThat(res.error()).isEqualTo("invalid request: malformed JSON");
    }

    @AmanTest
    void nesting_of_64_levels_is_parsed(Aman aman) {
        // parses, then fails validation: "changes" is empty
        ApiResult res = confirmed(aman).post("/config/set", nested(64));

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).isEqualTo("changes required");
    }

    @AmanTest
    void parse_failures_are_audited_as_invalid(Aman aman) {
        confirmed(aman).post("/config/set", "{not json");

        List<JsonNode> records = auditItems(aman, "/audit-log?action=config.set");

        assertThat(records).hasSize(1);
        assertThat(records.get(0).get("outcome").asText()).isEqualTo("invalid");
        assertThat(records.get(0).get("detail").asText()).startsWith("invalid request");
    }

    @AmanTest
    void error_bodies_never_contain_stack_traces(Aman aman) {
        ApiClient api = confirmed(aman);
        List<ApiResult> errors = new ArrayList<>();
        errors.add(api.post("/config/set", "{\"changes\": "));
        errors.add(api.post("/config/set", "{\"a\": 1, \"a\": 2}"));
        errors.add(api.post("/config/set", nested(200)));
        errors.add(api.post("/config/set", "\"just a string\""));
        errors.add(api.post("/config/set", "{\"changes\": {\"llm.max_turns\": \"many\"}}"));
        errors.add(api.post("/config/set", "{\"changes\": {\"no.such.key\": 1}}"));
        errors.add(api.post("/config/set", "{\"changes\": [1, 2]}"));
        errors.add(api.post("/config/set", "{\"changes\": {\"llm.max_turns\": 1e999}}"));
        errors.add(api.post("/config/set", "{\"changes\": {\"llm.max_turns\": 99999999999999999999999}}"));
        errors.add(api.post("/config/set", "{\"changes\": {\"llm.max_turns\": 24}, \"expected_revision\": \"x\"}"));
        errors.add(api.post("/config/set", new String(new byte[] {(byte) 0xff, (byte) 0xfe, 0x7b}, StandardCharsets.ISO_8859_1)));
        errors.add(api.get("/audit-log?limit=abc"));
        errors.add(api.get("/audit-log?cursor=%25%25%25"));
        errors.add(api.get("/nope"));
        errors.add(api.get("/agent/start"));
        errors.add(aman.anonymous().get("/runtime/status"));
        for (ApiResult res : errors) {
            assertThat(res.status()).as(res.toString()).isBetween(400, 499);
            assertThat(res.body()).as(res.toString()).isNotBlank().doesNotContain("Exception").doesNotContain("at dev.aman");
            assertThat(res.error()).as(res.toString()).isNotBlank().isEqualTo(res.json().get("message").asText());
        }
    }

    // ---- Host and Origin ----

    @AmanTest
    void foreign_host_header_is_403_even_on_public_endpoints(Aman aman) {
        for (String path : List.of("/health/live", "/health/ready", "/metrics")) {
            ApiResult res = aman.anonymous().with("Host", "evil.example").get(path);
            assertThat(res.status()).as(path).isEqualTo(403);
            assertThat(res.error()).isEqualTo("host not allowed");
            assertThat(res.json().get("message").asText()).isEqualTo("host not allowed");
        }
    }

    @AmanTest
    void host_check_runs_before_authentication(Aman aman) {
        ApiResult res = aman.anonymous().with("Host", "evil.example:" + aman.port()).get("/runtime/status");

        assertThat(res.status()).isEqualTo(403);
        assertThat(res.error()).isEqualTo("host not allowed");
    }

    @AmanTest
    void loopback_host_names_with_any_port_are_allowed(Aman aman) {
        for (String host : List.of("localhost:1234", "localhost", "127.0.0.1:" + aman.port(), "[::1]:9090")) {
            ApiResult res = aman.api().with("Host", host).get("/runtime/status");
            assertThat(res.status()).as(host).isEqualTo(200);
        }
    }

    @AmanTest
    void host_listed_in_allowed_hosts_is_allowed(Aman aman) {
        aman.config("http:\n  allowed_hosts: [aman.lan]\n");

        assertThat(aman.api().with("Host", "aman.lan:9090").get("/runtime/status").status()).isEqualTo(200);
        assertThat(aman.api().with("Host", "aman.lan").get("/health/live").status()).isEqualTo(200);
        assertThat(aman.api().with("Host", "evil.example").get("/runtime/status").status()).isEqualTo(403);
    }

    @AmanTest
    void foreign_origin_on_post_is_403_origin_not_allowed(Aman aman) {
        ApiResult res = aman.api().with("Origin", "http://evil.example").post("/agent/start");

        assertThat(res.status()).isEqualTo(403);
        assertThat(res.error()).isEqualTo("origin not allowed");
        assertThat(res.json().get("message").asText()).isEqualTo("origin not allowed");
    }

    @AmanTest
    void foreign_origin_refusal_writes_no_audit_record(Aman aman) {
        aman.api().with("Origin", "http://evil.example").with("x-aman-confirm", "yes").post("/config/set", CHANGE);

        assertThat(auditItems(aman, "/audit-log?action=config.set")).isEmpty();
        assertThat(aman.api().get("/runtime/config").json().get("overrides")).isEmpty();
    }

    @AmanTest
    void origin_check_runs_before_authentication(Aman aman) {
        ApiResult res = aman.anonymous().with("Origin", "http://evil.example").post("/agent/start");

        assertThat(res.status()).isEqualTo(403);
        assertThat(res.error()).isEqualTo("origin not allowed");
    }

    @AmanTest
    void null_origin_is_not_allowed(Aman aman) {
        ApiResult res = aman.api().with("Origin", "null").post("/agent/start");

        assertThat(res.status()).isEqualTo(403);
        assertThat(res.error()).isEqualTo("origin not allowed");
    }

    @AmanTest
    void loopback_origins_pass_the_origin_check(Aman aman) {
        for (String origin : List.of("http://localhost:3000", "https://localhost", "http://127.0.0.1:8080", "http://[::1]:5173")) {
            ApiResult res = aman.api().with("Origin", origin).post("/agent/start");
            assertThat(res.status()).as(origin).isEqualTo(200);
        }
    }

    @AmanTest
    void origin_listed_in_cors_origins_passes_the_origin_check(Aman aman) {
        aman.config("http:\n  cors_origins: [\"https://app.example:8443\"]\n");

        ApiResult res = aman.api().with("Origin", "https://app.example:8443").post("/agent/start");

        assertThat(res.status()).isEqualTo(200);
    }

    @AmanTest
    void foreign_origin_is_not_checked_on_get(Aman aman) {
        ApiResult res = aman.api().with("Origin", "http://evil.example").get("/runtime/status");

        assertThat(res.status()).isEqualTo(200);
    }

    @AmanTest
    void cors_headers_are_sent_for_an_origin_listed_in_cors_origins(Aman aman) {
        aman.config("http:\n  cors_origins: [\"https://app.example:8443\"]\n");

        ApiResult res = aman.api().with("Origin", "https://app.example:8443").get("/runtime/status");

        assertThat(res.header("access-control-allow-origin")).isEqualTo("https://app.example:8443");
    }

    @AmanTest
    void cors_headers_are_never_sent_for_an_unlisted_origin(Aman aman) {
        aman.config("http:\n  cors_origins: [\"https://app.example:8443\"]\n");

        for (String origin : List.of("http://localhost:3000", "http://evil.example", "https://app.example")) {
            ApiResult res = aman.api().with("Origin", origin).get("/runtime/status");
            assertThat(res.headers().map().keySet()).as(origin).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
        }
    }

    @AmanTest
    void cors_headers_are_never_sent_without_cors_origins(Aman aman) {
        ApiResult res = aman.api().with("Origin", "http://localhost:3000").get("/runtime/status");

        assertThat(res.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
    }

    // ---- readiness ----

    @AmanTest
    void class_c_endpoint_is_503_not_ready_in_phase_0(Aman aman) {
        aman.noStart();

        ApiResult res = confirmed(aman).post("/config/set", CHANGE);

        assertThat(res.status()).isEqualTo(503);
        assertThat(res.error()).isEqualTo("not ready");
        assertThat(res.json().get("message").asText()).isEqualTo("not ready");
        assertThat(res.header("retry-after")).isEqualTo("1");
    }

    @AmanTest
    void not_ready_answer_is_not_audited_and_changes_nothing(Aman aman) {
        aman.noStart();
        assertThat(confirmed(aman).post("/config/set", CHANGE).status()).isEqualTo(503);

        assertThat(aman.api().post("/agent/start").status()).isEqualTo(200);

        assertThat(auditItems(aman, "/audit-log?action=config.set")).isEmpty();
        assertThat(aman.api().get("/runtime/config").json().get("overrides")).isEmpty();
    }

    @AmanTest
    void confirmation_is_checked_before_readiness(Aman aman) {
        aman.noStart();

        ApiResult res = aman.api().post("/config/set", CHANGE);

        assertThat(res.status()).isEqualTo(409);
        assertThat(res.error()).isEqualTo("confirmation required");
    }

    @AmanTest
    void readiness_is_checked_before_the_body_is_parsed(Aman aman) {
        aman.noStart();

        ApiResult res = confirmed(aman).post("/config/set", "{not json");

        assertThat(res.status()).isEqualTo(503);
        assertThat(res.error()).isEqualTo("not ready");
    }

    @AmanTest
    void audit_log_is_503_not_ready_in_phase_0(Aman aman) {
        aman.noStart();

        ApiResult res = aman.api().get("/audit-log");

        assertThat(res.status()).isEqualTo(503);
        assertThat(res.error()).isEqualTo("not ready");
        assertThat(res.header("retry-after")).isEqualTo("1");
    }

    @AmanTest
    void runtime_status_is_served_in_phase_0(Aman aman) {
        aman.noStart();

        ApiResult res = aman.api().get("/runtime/status");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("phase").asInt()).isZero();
        assertThat(res.json().get("phase_name").asText()).isEqualTo("process");
        assertThat(res.json().get("lifecycle").asText()).isEqualTo("not_started");
        assertThat(res.json().get("ready").asBoolean()).isFalse();
    }

    @AmanTest
    void class_a_endpoints_are_served_in_phase_0(Aman aman) {
        aman.noStart();

        for (String path : List.of("/runtime/config", "/debug/metrics", "/health/live", "/metrics")) {
            assertThat(aman.api().get(path).status()).as(path).isEqualTo(200);
        }
    }

    @AmanTest
    void health_ready_is_503_not_started_in_phase_0(Aman aman) {
        aman.noStart();

        ApiResult res = aman.anonymous().get("/health/ready");

        assertThat(res.status()).isEqualTo(503);
        assertThat(res.header("retry-after")).isEqualTo("1");
        JsonNode body = res.json();
        assertThat(body.get("status").asText()).isEqualTo("unavailable");
        assertThat(body.get("phase").asInt()).isZero();
        assertThat(body.get("reason").asText()).isEqualTo("not_started");
        assertThat(body.get("error").asText()).isEqualTo("not ready");
        assertThat(body.get("message").asText()).isEqualTo("not ready");
        assertThat(body.get("degraded")).isEmpty();
        assertThat(aman.anonymous().get("/health").body()).isEqualTo(res.body());
    }

    @AmanTest
    void agent_start_walks_from_phase_0_to_5(Aman aman) {
        aman.noStart();

        ApiResult res = aman.api().post("/agent/start");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("phase").asInt()).isEqualTo(5);
        assertThat(res.json().get("phase_name").asText()).isEqualTo("ready");
        assertThat(res.json().get("ready").asBoolean()).isTrue();
        assertThat(aman.anonymous().get("/health/ready").status()).isEqualTo(200);
        assertThat(confirmed(aman).post("/config/set", CHANGE).status()).isEqualTo(200);
    }

    @AmanTest
    void agent_start_from_phase_0_is_audited_with_its_duration(Aman aman) {
        aman.noStart();
        aman.api().with("x-aman-operator", "starter").post("/agent/start");

        List<JsonNode> records = auditItems(aman, "/audit-log?action=agent.start");

        assertThat(records).hasSize(1);
        JsonNode r = records.get(0);
        assertThat(r.get("target").asText()).isEqualTo("runtime");
        assertThat(r.get("outcome").asText()).isEqualTo("ok");
        assertThat(r.get("operator").asText()).isEqualTo("starter");
        assertThat(r.get("detail").asText()).matches("phase 0 → 5 in \\d+ ms");
    }

    @AmanTest
    void second_agent_start_is_200_and_audited_unchanged(Aman aman) {
        aman.noStart();
        assertThat(aman.api().post("/agent/start").status()).isEqualTo(200);

        ApiResult again = aman.api().post("/agent/start");

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("phase").asInt()).isEqualTo(5);
        List<JsonNode> records = auditItems(aman, "/audit-log?action=agent.start");
        assertThat(records).hasSize(2);
        assertThat(records.get(0).get("detail").asText()).isEqualTo("unchanged"); // newest first
        assertThat(records.get(1).get("detail").asText()).startsWith("phase 0 → 5 in ");
    }

    @AmanTest
    void class_c_endpoint_is_503_draining_after_a_shutdown(Aman aman) {
        assertThat(confirmed(aman).post("/agent/shutdown").status()).isEqualTo(200);

        ApiResult res = confirmed(aman).post("/config/set", CHANGE);

        assertThat(res.status()).isEqualTo(503);
        assertThat(res.error()).isEqualTo("draining");
        assertThat(res.header("retry-after")).isEqualTo("1");
    }

    @AmanTest
    void class_a_endpoints_are_served_after_a_shutdown(Aman aman) {
        assertThat(confirmed(aman).post("/agent/shutdown").status()).isEqualTo(200);

        ApiResult status = aman.api().get("/runtime/status");
        ApiResult ready = aman.anonymous().get("/health/ready");

        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().get("phase").asInt()).isZero();
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("reason").asText()).isEqualTo("stopped");
        assertThat(ready.error()).isEqualTo("draining");
    }

    // ---- helpers ----

    private static ApiClient confirmed(Aman aman) {
        return aman.api().with("x-aman-confirm", "yes");
    }

    private static void assertInvalidRequest(ApiResult res) {
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: ");
        assertThat(res.json().get("message").asText()).isEqualTo(res.error());
    }

    /** A valid change padded with an ignored field to exactly {@code size} bytes. */
    private static String paddedChange(int size) {
        String head = "{\"changes\": {\"llm.max_turns\": 24}, \"pad\": \"";
        String tail = "\"}";
        return head + "x".repeat(size - head.length() - tail.length()) + tail;
    }

    /** A config/set body with an empty {@code changes} whose deepest value sits at {@code depth} levels. */
    private static String nested(int depth) {
        int arrays = depth - 1;
        return "{\"changes\": {}, \"deep\": " + "[".repeat(arrays) + "]".repeat(arrays) + "}";
    }

    private static List<JsonNode> auditItems(Aman aman, String path) {
        ApiResult res = aman.api().get(path);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        res.json().get("items").forEach(out::add);
        return out;
    }
}
