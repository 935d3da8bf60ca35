package dev.aman.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.json.Json;
import dev.aman.testing.Aman;
import dev.aman.testing.AmanTest;
import dev.aman.testing.ApiClient;
import dev.aman.testing.ApiResult;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** {@code POST /config/set} (API.md §12.1, FORMATS §2.5) and its view in {@code GET /runtime/config}. */
class ConfigSetApiTest {

    // ---- success ----

    @AmanTest
    void applied_change_answers_ok_revision_and_applied_values(Aman aman) throws Exception {
        ApiResult res = set(aman, "{\"changes\": {\"llm.max_turns\": 24}}");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json()).isEqualTo(Json.parse("{\"ok\": true, \"revision\": 1, \"applied\": {\"llm.max_turns\": 24}}"));
    }

    @AmanTest
    void applied_maps_every_key_of_the_request(Aman aman) {
        ApiResult res = set(aman, "{\"changes\": {\"llm.max_turns\": 24, \"runtime.tool_timeout_sec\": 45}}");

        assertThat(res.status()).isEqualTo(200);
        JsonNode applied = res.json().get("applied");
        assertThat(applied.size()).isEqualTo(2);
        assertThat(applied.get("llm.max_turns").asInt()).isEqualTo(24);
        assertThat(applied.get("runtime.tool_timeout_sec").asInt()).isEqualTo(45);
    }

    @AmanTest
    void runtime_config_shows_the_overrides_and_the_revision(Aman aman) {
        set(aman, "{\"changes\": {\"runtime.tool_timeout_sec\": 45}}");
        set(aman, "{\"changes\": {\"llm.max_turns\": 24}}");

        JsonNode cfg = aman.api().get("/runtime/config").json();

        assertThat(cfg.get("config_revision").asLong()).isEqualTo(2);
        assertThat(texts(cfg.get("overrides"))).containsExactly("llm.max_turns", "runtime.tool_timeout_sec");
        assertThat(cfg.get("tool_timeout_sec").asInt()).isEqualTo(45);
    }

    @AmanTest
    void revision_starts_at_zero(Aman aman) {
        JsonNode cfg = aman.api().get("/runtime/config").json();

        assertThat(cfg.get("config_revision").asLong()).isZero();
        assertThat(cfg.get("overrides")).isEmpty();
    }

    @AmanTest
    void change_survives_a_restart(Aman aman) {
        assertThat(set(aman, "{\"changes\": {\"runtime.tool_timeout_sec\": 45, \"llm.max_turns\": 24}}").status())
                .isEqualTo(200);

        aman.restart();

        JsonNode cfg = aman.api().get("/runtime/config").json();
        assertThat(cfg.get("tool_timeout_sec").asInt()).isEqualTo(45);
        assertThat(cfg.get("config_revision").asLong()).isEqualTo(1);
        assertThat(texts(cfg.get("overrides"))).containsExactly("llm.max_turns", "runtime.tool_timeout_sec");
        assertThat(aman.home().resolve("data/config.override.yaml")).isRegularFile();
    }

    @AmanTest
    void revision_keeps_counting_after_a_restart(Aman aman) {
        set(aman, "{\"changes\": {\"llm.max_turns\": 24}}");
        aman.restart();

        ApiResult res = set(aman, "{\"changes\": {\"llm.max_turns\": 25}}");

        assertThat(res.json().get("revision").asLong()).isEqualTo(2);
    }

    @AmanTest
    void override_file_is_written_on_the_first_change(Aman aman) {
        aman.start();
        assertThat(Files.exists(aman.home().resolve("data/config.override.yaml"))).isFalse();

        set(aman, "{\"changes\": {\"llm.max_turns\": 24}}");

        assertThat(aman.home().resolve("data/config.override.yaml")).isRegularFile();
    }

    @AmanTest
    void change_is_audited_with_old_and_new_value(Aman aman) {
        set(aman, "{\"changes\": {\"llm.max_turns\": 24}}");

        JsonNode r = lastConfigRecord(aman);

        assertThat(r.get("outcome").asText()).isEqualTo("ok");
        assertThat(r.get("target").asText()).isEqualTo("config");
        assertThat(r.get("detail").asText()).isEqualTo("llm.max_turns: 16 → 24");
    }

    @AmanTest
    void several_changes_are_audited_joined_by_semicolons(Aman aman) {
        set(aman, "{\"changes\": {\"runtime.tool_timeout_sec\": 45, \"llm.max_turns\": 24}}");

        assertThat(lastConfigRecord(aman).get("detail").asText())
                .isEqualTo("llm.max_turns: 16 → 24; runtime.tool_timeout_sec: 60 → 45");
    }

    @AmanTest
    void size_value_may_carry_a_unit(Aman aman) {
        ApiResult res = set(aman, "{\"changes\": {\"http.max_body_bytes\": \"2MiB\"}}");

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(aman.api().get("/runtime/config").json().get("max_body_bytes").asLong()).isEqualTo(2L << 20);
    }

    @AmanTest
    void max_body_bytes_change_applies_to_the_next_request(Aman aman) {
        String body = "{\"changes\": {\"llm.max_turns\": 24}, \"pad\": \"" + "x".repeat(2048) + "\"}";
        assertThat(set(aman, body).status()).isEqualTo(200);

        ApiResult shrink = set(aman, "{\"changes\": {\"http.max_body_bytes\": 1024, \"event_bus.max_payload_bytes\": 1024}}");
        assertThat(shrink.status()).as(shrink.toString()).isEqualTo(200);

        ApiResult res = set(aman, body);
        assertThat(res.status()).isEqualTo(413);
        assertThat(res.error()).isEqualTo("payload too large");
        assertThat(aman.api().get("/runtime/config").json().get("max_body_bytes").asLong()).isEqualTo(1024);
    }

    // ---- null removes the override ----

    @AmanTest
    void null_value_removes_the_override_and_falls_back_to_the_default(Aman aman) {
        set(aman, "{\"changes\": {\"runtime.tool_timeout_sec\": 45}}");

        ApiResult res = set(aman, "{\"changes\": {\"runtime.tool_timeout_sec\": null}}");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("revision").asLong()).isEqualTo(2);
        assertThat(res.json().get("applied").get("runtime.tool_timeout_sec").asInt()).isEqualTo(60);
        JsonNode cfg = aman.api().get("/runtime/config").json();
        assertThat(cfg.get("tool_timeout_sec").asInt()).isEqualTo(60);
        assertThat(cfg.get("overrides")).isEmpty();
    }

    @AmanTest
    void null_value_falls_back_to_the_config_file(Aman aman) {
        aman.config("runtime:\n  tool_timeout_sec: 90\n");
        set(aman, "{\"changes\": {\"runtime.tool_timeout_sec\": 45}}");
        assertThat(aman.api().get("/runtime/config").json().get("tool_timeout_sec").asInt()).isEqualTo(45);

        set(aman, "{\"changes\": {\"runtime.tool_timeout_sec\": null}}");

        assertThat(aman.api().get("/runtime/config").json().get("tool_timeout_sec").asInt()).isEqualTo(90);
    }

    @AmanTest
    void removed_override_stays_removed_after_a_restart(Aman aman) {
        set(aman, "{\"changes\": {\"runtime.tool_timeout_sec\": 45}}");
        set(aman, "{\"changes\": {\"runtime.tool_timeout_sec\": null}}");

        aman.restart();

        JsonNode cfg = aman.api().get("/runtime/config").json();
        assertThat(cfg.get("tool_timeout_sec").asInt()).isEqualTo(60);
        assertThat(cfg.get("overrides")).isEmpty();
        assertThat(cfg.get("config_revision").asLong()).isEqualTo(2);
    }

    // ---- refusals ----

    @AmanTest
    void missing_changes_is_400_changes_required(Aman aman) {
        for (String body : List.of("{}", "", "{\"changes\": null}", "{\"changed_fields\": [\"llm.max_turns\"]}")) {
            ApiResult res = set(aman, body);
            assertThat(res.status()).as(body).isEqualTo(400);
            assertThat(res.error()).isEqualTo("changes required");
            assertThat(res.json().get("message").asText()).isEqualTo("changes required");
        }
    }

    @AmanTest
    void empty_changes_is_400_changes_required(Aman aman) {
        ApiResult res = set(aman, "{\"changes\": {}}");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).isEqualTo("changes required");
    }

    @AmanTest
    void changes_that_is_not_an_object_is_400_invalid_request(Aman aman) {
        for (String body : List.of("{\"changes\": [\"llm.max_turns\"]}", "{\"changes\": \"llm.max_turns=24\"}")) {
            ApiResult res = set(aman, body);
            assertThat(res.status()).as(body).isEqualTo(400);
            assertThat(res.error()).startsWith("invalid request: ");
        }
    }

    @AmanTest
    void unknown_key_is_400_naming_the_key(Aman aman) {
        ApiResult res = set(aman, "{\"changes\": {\"llm.max_turnz\": 24}}");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).isEqualTo("unknown config key: llm.max_turnz");
    }

    @AmanTest
    void key_that_is_not_hot_is_400(Aman aman) {
        ApiResult res = set(aman, "{\"changes\": {\"http.bind\": \"127.0.0.1:9999\"}}");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).isEqualTo("key is not hot-reloadable: http.bind");
    }

    @AmanTest
    void secret_key_is_never_hot(Aman aman) {
        ApiResult res = set(aman, "{\"changes\": {\"http.token\": \"another-token-123\"}}");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).isEqualTo("key is not hot-reloadable: http.token");
        assertThat(res.body()).doesNotContain("another-token-123");
    }

    @AmanTest
    void wrong_type_is_400_invalid_request_naming_the_key(Aman aman) {
        for (String change : List.of("\"llm.max_turns\": \"24\"", "\"llm.max_turns\": 24.5", "\"llm.stream\": \"yes\"",
                "\"llm.max_turns\": true", "\"llm.max_turns\": {\"v\": 1}")) {
            ApiResult res = set(aman, "{\"changes\": {" + change + "}}");
            assertThat(res.status()).as(change).isEqualTo(400);
            assertThat(res.error()).as(change).startsWith("invalid request: ");
            assertThat(res.error()).as(change).contains(change.substring(1, change.indexOf('"', 1)));
        }
    }

    @AmanTest
    void value_out_of_range_is_400_invalid_request_naming_the_key(Aman aman) {
        for (int value : List.of(0, 257, -1)) {
            ApiResult res = set(aman, "{\"changes\": {\"llm.max_turns\": " + value + "}}");
            assertThat(res.status()).as("%d", value).isEqualTo(400);
            assertThat(res.error()).startsWith("invalid request: ").contains("llm.max_turns");
        }
    }

    @AmanTest
    void failed_cross_check_is_400_invalid_request(Aman aman) {
        ApiResult res = set(aman, "{\"changes\": {\"event_bus.backpressure.l1\": 0.95}}");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: ");
    }

    @AmanTest
    void cross_check_sees_every_change_of_the_request(Aman aman) {
        // l1 = 0.93 alone would exceed the default l2 (0.90); together with l2 = 0.94 it is valid
        ApiResult res = set(aman, "{\"changes\": {\"event_bus.backpressure.l1\": 0.93, \"event_bus.backpressure.l2\": 0.94}}");

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
    }

    @AmanTest
    void max_body_bytes_below_the_payload_limit_fails_the_cross_check(Aman aman) {
        ApiResult res = set(aman, "{\"changes\": {\"http.max_body_bytes\": 1024}}");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: ");
        assertThat(aman.api().get("/runtime/config").json().get("max_body_bytes").asLong()).isEqualTo(10L << 20);
    }

    @AmanTest
    void nothing_is_applied_when_one_of_several_changes_fails(Aman aman) {
        for (String bad : List.of("\"runtime.tool_timeout_sec\": 0", "\"zz.unknown\": 1", "\"storage.pool_size\": 5",
                "\"event_bus.backpressure.l1\": 0.99")) {
            ApiResult res = set(aman, "{\"changes\": {\"llm.max_turns\": 24, \"logging.level\": \"debug\", " + bad + "}}");
            assertThat(res.status()).as(bad).isEqualTo(400);
        }

        JsonNode cfg = aman.api().get("/runtime/config").json();
        assertThat(cfg.get("config_revision").asLong()).isZero();
        assertThat(cfg.get("overrides")).isEmpty();
        assertThat(cfg.get("tool_timeout_sec").asInt()).isEqualTo(60);
        assertThat(Files.exists(aman.home().resolve("data/config.override.yaml"))).isFalse();
        // the valid change of the refused requests was not applied either: the old value is still 16
        set(aman, "{\"changes\": {\"llm.max_turns\": 30}}");
        assertThat(lastConfigRecord(aman).get("detail").asText()).isEqualTo("llm.max_turns: 16 → 30");
    }

    @AmanTest
    void refused_change_is_audited_as_invalid_with_its_error(Aman aman) {
        set(aman, "{\"changes\": {\"http.bind\": \"127.0.0.1:9999\"}}");

        JsonNode r = lastConfigRecord(aman);

        assertThat(r.get("outcome").asText()).isEqualTo("invalid");
        assertThat(r.get("detail").asText()).isEqualTo("key is not hot-reloadable: http.bind");
    }

    // ---- revision ----

    @AmanTest
    void expected_revision_mismatch_is_409_with_both_revisions(Aman aman) {
        ApiResult res = set(aman, "{\"changes\": {\"llm.max_turns\": 24}, \"expected_revision\": 5}");

        assertThat(res.status()).isEqualTo(409);
        assertThat(res.error()).isEqualTo("config revision conflict");
        assertThat(res.json().get("message").asText()).isEqualTo("config revision conflict");
        assertThat(res.json().get("expected_revision").asLong()).isEqualTo(5);
        assertThat(res.json().get("current_revision").asLong()).isZero();
        assertThat(aman.api().get("/runtime/config").json().get("overrides")).isEmpty();
    }

    @AmanTest
    void matching_expected_revision_is_applied(Aman aman) {
        assertThat(set(aman, "{\"changes\": {\"llm.max_turns\": 24}, \"expected_revision\": 0}").status()).isEqualTo(200);

        ApiResult second = set(aman, "{\"changes\": {\"llm.max_turns\": 25}, \"expected_revision\": 1}");
        ApiResult stale = set(aman, "{\"changes\": {\"llm.max_turns\": 26}, \"expected_revision\": 1}");

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("revision").asLong()).isEqualTo(2);
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().get("current_revision").asLong()).isEqualTo(2);
    }

    @AmanTest
    void concurrent_changes_with_the_same_expected_revision_apply_exactly_once(Aman aman) throws Exception {
        ApiClient client = aman.api().with("x-aman-confirm", "yes");
        int n = 8;
        List<ApiResult> results;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ApiResult>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int turns = 20 + i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return client.post("/config/set", "{\"changes\": {\"llm.max_turns\": " + turns + "}, \"expected_revision\": 0}");
                }));
            }
            go.countDown();
            results = new ArrayList<>();
            for (Future<ApiResult> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
        }

        assertThat(results).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(results).filteredOn(r -> r.status() == 409)
                .hasSize(n - 1).allSatisfy(r -> assertThat(r.error()).isEqualTo("config revision conflict"));
        assertThat(aman.api().get("/runtime/config").json().get("config_revision").asLong()).isEqualTo(1);
    }

    @AmanTest
    void revision_conflict_is_audited_as_conflict(Aman aman) {
        set(aman, "{\"changes\": {\"llm.max_turns\": 24}, \"expected_revision\": 3}");

        JsonNode r = lastConfigRecord(aman);

        assertThat(r.get("outcome").asText()).isEqualTo("conflict");
        assertThat(r.get("detail").asText()).startsWith("config revision conflict");
    }

    @AmanTest
    void expected_revision_that_is_not_an_integer_is_400(Aman aman) {
        ApiResult res = set(aman, "{\"changes\": {\"llm.max_turns\": 24}, \"expected_revision\": \"0\"}");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: ");
    }

    // ---- pinned keys ----

    @AmanTest
    void key_set_by_an_environment_variable_is_409(Aman aman) {
        aman.env("AMAN_LLM_MAX_TURNS", "20");

        ApiResult res = set(aman, "{\"changes\": {\"llm.max_turns\": 24}}");

        assertThat(res.status()).isEqualTo(409);
        assertThat(res.error()).isEqualTo("key is set by environment variable AMAN_LLM_MAX_TURNS");
        assertThat(res.json().get("message").asText()).isEqualTo(res.error());
        assertThat(aman.api().get("/runtime/config").json().get("overrides")).isEmpty();
    }

    @AmanTest
    void removing_the_override_of_a_key_set_by_an_environment_variable_is_409(Aman aman) {
        aman.env("AMAN_RUNTIME_TOOL_TIMEOUT_SEC", "30");

        ApiResult res = set(aman, "{\"changes\": {\"runtime.tool_timeout_sec\": null}}");

        assertThat(res.status()).isEqualTo(409);
        assertThat(res.error()).isEqualTo("key is set by environment variable AMAN_RUNTIME_TOOL_TIMEOUT_SEC");
    }

    // ---- helpers ----

    private static ApiResult set(Aman aman, String body) {
        return aman.api().with("x-aman-confirm", "yes").post("/config/set", body);
    }

    private static JsonNode lastConfigRecord(Aman aman) {
        ApiClient api = aman.api();
        ApiResult res = api.get("/audit-log?action=config.set&limit=1");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("items")).hasSize(1);
        return res.json().get("items").get(0);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
