package dev.aman.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aman.testing.Aman;
import dev.aman.testing.AmanTest;
import dev.aman.testing.ApiResult;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Defects found by a fresh-user review of the foundation and the event bus, each pinned by a test. */
class ReviewRegressionApiTest {

    @AmanTest
    void head_requests_run_the_same_checks_as_get(Aman aman) {
        assertThat(aman.anonymous().send("HEAD", "/runtime/status", null).status()).isEqualTo(401);
        assertThat(aman.api().send("HEAD", "/runtime/status", null).status()).isEqualTo(200);
        assertThat(aman.api().with("Host", "evil.example").send("HEAD", "/health/ready", null).status()).isEqualTo(403);
        assertThat(aman.api().send("HEAD", "/events/dump/01a23d05-298f-73d3-b19e-b93045f7e337", null).status()).isEqualTo(404);
    }

    @AmanTest
    void head_on_health_ready_is_503_before_start(Aman aman) {
        aman.noStart();
        assertThat(aman.anonymous().send("HEAD", "/health/ready", null).status()).isEqualTo(503);
    }

    @AmanTest
    void the_debug_flag_can_be_switched_through_either_alias_key(Aman aman) {
        var confirm = aman.api().with("x-aman-confirm", "yes");
        assertThat(confirm.post("/config/set", "{\"changes\":{\"runtime.force_enable_debug_endpoints\":true}}").status())
                .isEqualTo(200);
        assertThat(aman.api().get("/runtime/config").json().get("debug_endpoints_enabled").asBoolean()).isTrue();
        assertThat(confirm.post("/config/set", "{\"changes\":{\"security.risky_capabilities_enabled\":false}}").status())
                .isEqualTo(200);
        assertThat(aman.api().get("/runtime/config").json().get("debug_endpoints_enabled").asBoolean()).isFalse();
        assertThat(confirm.post("/config/set", "{\"changes\":{\"runtime.force_enable_debug_endpoints\":true,"
                + "\"security.risky_capabilities_enabled\":false}}").status()).isEqualTo(400);
    }

    @AmanTest
    void concurrent_acks_have_exactly_one_winner(Aman aman) throws Exception {
        aman.token("");
        String id = aman.api().post("/notifications/test", "{\"severity\":\"critical\"}").json().get("id").asText();
        List<Future<ApiResult>> results = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 16; i++) {
                String op = "op" + i;
                results.add(pool.submit(() -> aman.api().with("x-aman-operator", op).post("/notifications/" + id + "/ack")));
            }
        }
        String stored = aman.api().get("/notifications?limit=1").json().get("items").get(0).get("acked_by").asText();
        int winners = 0;
        for (Future<ApiResult> f : results) {
            assertThat(f.get().status()).isEqualTo(200);
            assertThat(f.get().json().get("acked_by").asText()).isEqualTo(stored);
        }
        var audits = aman.api().get("/audit-log?action=notification.ack&limit=100").json().get("items");
        for (var a : audits) {
            winners += a.get("detail").asText().isEmpty() ? 1 : 0;
        }
        assertThat(winners).isEqualTo(1);
    }

    @AmanTest
    void event_type_and_source_filters_are_case_sensitive(Aman aman) {
        aman.api().post("/events/push", "{\"source\":\"cli\",\"event_type\":\"Demo.Case\"}");
        aman.api().post("/events/push", "{\"source\":\"CLI\",\"event_type\":\"demo.case\"}");
        var byType = aman.api().get("/events/recent?event_type=demo.*").json().get("items");
        assertThat(byType).hasSize(1);
        assertThat(byType.get(0).get("event_type").asText()).isEqualTo("demo.case");
        var bySource = aman.api().get("/events/recent?source=cli").json().get("items");
        assertThat(bySource).hasSize(1);
        assertThat(bySource.get(0).get("source").asText()).isEqualTo("cli");
    }

    @AmanTest
    void payload_numbers_are_stored_exactly(Aman aman) {
        String id = aman.api().post("/events/push", "{\"source\":\"cli\",\"event_type\":\"demo.num\","
                + "\"payload\":{\"a\":1e999,\"e\":0.1000000000000000000000001,\"i\":12345678901234567890}}").json().get("id").asText();
        var payload = aman.api().get("/events/dump/" + id).json().get("payload");
        assertThat(payload.get("a").isNumber()).isTrue();
        assertThat(payload.get("a").decimalValue()).isEqualByComparingTo("1e999");
        assertThat(payload.get("e").decimalValue()).isEqualByComparingTo("0.1000000000000000000000001");
        assertThat(payload.get("i").bigIntegerValue().toString()).isEqualTo("12345678901234567890");
    }

    @AmanTest
    void an_oversized_event_payload_is_413_and_not_audited(Aman aman) {
        aman.config("event_bus:\n  max_payload_bytes: 1KiB\n");
        String big = "x".repeat(2000);
        ApiResult res = aman.api().post("/events/push", "{\"source\":\"cli\",\"event_type\":\"demo.big\",\"payload\":\"" + big + "\"}");
        assertThat(res.status()).isEqualTo(413);
        assertThat(aman.api().get("/audit-log?action=event.push").json().get("items")).isEmpty();
    }

    @AmanTest
    void endpoints_without_a_body_ignore_any_body(Aman aman) {
        aman.token("");
        String id = aman.api().post("/notifications/test", "{}").json().get("id").asText();
        assertThat(aman.api().post("/notifications/" + id + "/ack", "{garbage").status()).isEqualTo(200);
        assertThat(aman.api().post("/notifications/" + id + "/dismiss", "[1]").status()).isEqualTo(200);
        assertThat(aman.api().post("/agent/start", "x").status()).isEqualTo(200);
    }

    @AmanTest
    void every_presented_credential_must_be_valid_even_when_repeated(Aman aman) {
        var both = aman.anonymous().with("Authorization", "Bearer " + Aman.TOKEN);
        assertThat(RawHeaders.get(aman, "/runtime/status", "Authorization: Bearer " + Aman.TOKEN,
                "Authorization: Bearer wrong-token-0000")).isEqualTo(401);
        assertThat(RawHeaders.get(aman, "/runtime/status", "x-aman-token: " + Aman.TOKEN, "x-aman-token: wrong"))
                .isEqualTo(401);
        assertThat(both.get("/runtime/status").status()).isEqualTo(200);
    }

    @AmanTest
    void fixed_label_families_are_exported_from_phase_0(Aman aman) {
        aman.noStart();
        String metrics = aman.anonymous().get("/metrics").body();
        assertThat(metrics).contains("aman_build_info{version=").contains("aman_event_bus_queue_depth{priority=\"high\"} 0")
                .contains("aman_dlq_depth 0").contains("aman_events_published_total{delivery=\"at_least_once\",priority=\"normal\"} 0")
                .contains("aman_event_store_events 0").contains("aman_notifications_active{severity=\"critical\"} 0");
    }

    @AmanTest
    void gauges_follow_the_running_bus_across_a_restart(Aman aman) {
        aman.api().post("/events/push", "{\"source\":\"cli\",\"event_type\":\"demo.one\"}");
        aman.restart();
        aman.api().post("/events/push", "{\"source\":\"cli\",\"event_type\":\"demo.two\"}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(aman.anonymous().get("/metrics").body())
                .containsPattern("aman_event_store_events [1-9]"));
    }

    @AmanTest
    void an_upper_case_trace_uuid_finds_the_trace(Aman aman) {
        var pushed = aman.api().post("/events/push", "{\"source\":\"cli\",\"event_type\":\"demo.trace\"}").json();
        String trace = pushed.get("trace_id").asText();
        assertThat(aman.api().get("/events/trace/" + trace.toUpperCase()).status()).isEqualTo(200);
    }

    @AmanTest
    void a_utf8_operator_is_recorded_as_sent(Aman aman) {
        RawHeaders.post(aman, "/config/set", "{\"changes\":{\"llm.max_turns\":20}}", "x-aman-confirm: yes",
                "Authorization: Bearer " + Aman.TOKEN, "x-aman-operator: Ärger😀");
        var item = aman.api().get("/audit-log?action=config.set").json().get("items").get(0);
        assertThat(item.get("operator").asText()).isEqualTo("Ärger😀");
    }

    @AmanTest
    void a_limit_beyond_64_bits_is_clamped(Aman aman) {
        assertThat(aman.api().get("/audit-log?limit=99999999999999999999").status()).isEqualTo(200);
        assertThat(aman.api().get("/audit-log?limit=-99999999999999999999").status()).isEqualTo(400);
    }

    @AmanTest
    void the_sqlite_database_is_readable_by_its_owner_only(Aman aman) throws Exception {
        aman.api().get("/runtime/status");
        var db = aman.home().resolve("data/aman.db");
        if (Files.exists(db)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
        }
    }
}
