package dev.aman.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.testing.Aman;
import dev.aman.testing.AmanTest;
import dev.aman.testing.ApiClient;
import dev.aman.testing.ApiResult;
import dev.aman.testing.RawHttp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Confirmation (API.md §1.6), operator (§1.5), audit records (§1.16, §2.3, §23) and {@code GET /audit-log}
 * with its filters and keyset pagination (§1.10, §19.1).
 */
class AuditApiTest {
    /** Values of x-aman-confirm that are not "yes"; null = header missing. */
    private static final List<String> NOT_CONFIRMED = java.util.Arrays.asList(null, "", "true", "1", "no", "y", "yes please");

    // ---- confirmation ----

    @AmanTest
    void config_set_without_confirmation_is_409_and_changes_nothing(Aman aman) {
        for (String value : NOT_CONFIRMED) {
            ApiClient client = value == null ? aman.api() : aman.api().with("x-aman-confirm", value);
            ApiResult res = client.post("/config/set", change(24));

            assertThat(res.status()).as("x-aman-confirm=" + value).isEqualTo(409);
            assertThat(res.error()).isEqualTo("confirmation required");
            assertThat(res.json().get("message").asText()).isEqualTo("confirmation required");
        }
        JsonNode cfg = aman.api().get("/runtime/config").json();
        assertThat(cfg.get("config_revision").asLong()).isZero();
        assertThat(cfg.get("overrides")).isEmpty();
    }

    @AmanTest
    void each_unconfirmed_call_writes_exactly_one_confirm_required_record_with_empty_detail(Aman aman) {
        int i = 0;
        for (String value : NOT_CONFIRMED) {
            ApiClient client = aman.api().with("x-request-id", "unconfirmed-" + i++);
            client = value == null ? client : client.with("x-aman-confirm", value);
            client.post("/config/set", change(24));
        }

        List<JsonNode> records = items(aman.api(), "/audit-log?action=config.set");

        assertThat(records).hasSize(NOT_CONFIRMED.size());
        for (int k = 0; k < NOT_CONFIRMED.size(); k++) {
            String requestId = "unconfirmed-" + k;
            assertThat(records).filteredOn(r -> r.get("request_id").asText().equals(requestId)).singleElement()
                    .satisfies(r -> {
                        assertThat(r.get("outcome").asText()).isEqualTo("confirm_required");
                        assertThat(r.get("detail").asText()).isEmpty();
                        assertThat(r.get("target").asText()).isEqualTo("config");
                        assertThat(r.get("operator").asText()).isEqualTo("api");
                    });
        }
    }

    @AmanTest
    void confirmation_is_checked_before_the_body_is_parsed(Aman aman) {
        ApiResult res = aman.api().post("/config/set", "{this is not json");

        assertThat(res.status()).isEqualTo(409);
        assertThat(res.error()).isEqualTo("confirmation required");
    }

    @AmanTest
    void shutdown_without_confirmation_is_409_and_the_runtime_keeps_running(Aman aman) {
        for (String value : NOT_CONFIRMED) {
            ApiClient client = value == null ? aman.api() : aman.api().with("x-aman-confirm", value);
            ApiResult res = client.post("/agent/shutdown", "{\"reason\": \"test\"}");

            assertThat(res.status()).as("x-aman-confirm=" + value).isEqualTo(409);
            assertThat(res.error()).isEqualTo("confirmation required");
        }

        assertThat(aman.anonymous().get("/health/ready").status()).isEqualTo(200);
        assertThat(aman.api().get("/runtime/status").json().get("draining").asBoolean()).isFalse();
        List<JsonNode> records = items(aman.api(), "/audit-log?action=agent.shutdown");
        assertThat(records).hasSize(NOT_CONFIRMED.size())
                .allSatisfy(r -> {
                    assertThat(r.get("outcome").asText()).isEqualTo("confirm_required");
                    assertThat(r.get("detail").asText()).isEmpty();
                    assertThat(r.get("target").asText()).isEqualTo("runtime");
                });
    }

    @AmanTest
    void confirmed_shutdown_is_audited_with_its_drain_result(Aman aman) {
        ApiResult res = confirmed(aman.api()).with("x-aman-operator", "ops").with("x-request-id", "shutdown-1")
                .post("/agent/shutdown", "{\"reason\": \"maintenance\"}");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("status").asText()).isEqualTo("stopped");
        assertThat(res.json().get("phase").asInt()).isZero();
        assertThat(res.json().get("drained").asBoolean()).isTrue();
        assertThat(res.json().get("pending_deliveries").asInt()).isZero();

        aman.restart();

        List<JsonNode> records = items(aman.api(), "/audit-log?action=agent.shutdown");
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.get("outcome").asText()).isEqualTo("ok");
            assertThat(r.get("operator").asText()).isEqualTo("ops");
            assertThat(r.get("target").asText()).isEqualTo("runtime");
            assertThat(r.get("request_id").asText()).isEqualTo("shutdown-1");
            assertThat(r.get("detail").asText()).matches("drained=true pending=0 drain_ms=\\d+ reason=maintenance");
        });
    }

    @AmanTest
    void confirmation_value_is_trimmed_and_case_insensitive(Aman aman) {
        for (String value : List.of("  YES ", "Yes", "yEs")) {
            ApiResult res = aman.api().with("x-aman-confirm", value).post("/config/set", change(20));
            assertThat(res.status()).as("x-aman-confirm=" + value).isEqualTo(200);
        }
    }

    @AmanTest
    void confirmation_header_is_ignored_on_endpoints_that_need_none(Aman aman) {
        ApiResult res = aman.api().with("x-aman-confirm", "no").post("/agent/start");

        assertThat(res.status()).isEqualTo(200);
    }

    // ---- operator and the record itself ----

    @AmanTest
    void successful_mutation_writes_exactly_one_record_of_the_documented_shape(Aman aman) {
        ApiResult res = confirmed(aman.api()).with("x-request-id", "shape-1").post("/config/set", change(24));
        assertThat(res.status()).isEqualTo(200);

        List<JsonNode> records = items(aman.api(), "/audit-log?action=config.set");

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.get("id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(r.get("timestamp_ms").asLong()).isPositive();
            assertThat(r.get("operator").asText()).isEqualTo("api");
            assertThat(r.get("action").asText()).isEqualTo("config.set");
            assertThat(r.get("target").asText()).isEqualTo("config");
            assertThat(r.get("outcome").asText()).isEqualTo("ok");
            assertThat(r.get("detail").asText()).isEqualTo("llm.max_turns: 16 → 24");
            assertThat(r.get("request_id").asText()).isEqualTo("shape-1");
        });
    }

    @AmanTest
    void operator_header_is_recorded_trimmed(Aman aman) {
        confirmed(aman.api()).with("x-aman-operator", "  alice  ").post("/config/set", change(24));

        assertThat(lastRecord(aman).get("operator").asText()).isEqualTo("alice");
    }

    @AmanTest
    void operator_header_loses_its_control_characters(Aman aman) {
        // the JDK client refuses control characters in header values; HTAB and C1 controls are legal on the wire
        ApiResult res = RawHttp.send(aman.port(), "POST /config/set HTTP/1.1\r\nAuthorization: Bearer " + Aman.TOKEN
                + "\r\nx-aman-confirm: yes\r\nx-aman-operator: al\tic\u0085e", change(24));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);

        assertThat(lastRecord(aman).get("operator").asText()).isEqualTo("alice");
    }

    @AmanTest
    void operator_header_is_cut_to_128_characters(Aman aman) {
        String longName = "o".repeat(100) + "p".repeat(100);

        confirmed(aman.api()).with("x-aman-operator", longName).post("/config/set", change(24));

        assertThat(lastRecord(aman).get("operator").asText()).isEqualTo(longName.substring(0, 128));
    }

    @AmanTest
    void missing_operator_header_records_api(Aman aman) {
        confirmed(aman.api()).post("/config/set", change(24));

        assertThat(lastRecord(aman).get("operator").asText()).isEqualTo("api");
    }

    @AmanTest
    void blank_operator_header_records_api(Aman aman) {
        confirmed(aman.api()).with("x-aman-operator", "   ").post("/config/set", change(24));

        assertThat(lastRecord(aman).get("operator").asText()).isEqualTo("api");
    }

    @AmanTest
    void failed_mutation_is_audited_with_its_error_as_detail(Aman aman) {
        confirmed(aman.api()).post("/config/set", "{\"changes\": {\"no.such.key\": 1}}");

        JsonNode r = lastRecord(aman);
        assertThat(r.get("outcome").asText()).isEqualTo("invalid");
        assertThat(r.get("detail").asText()).isEqualTo("unknown config key: no.such.key");
    }

    @AmanTest
    void detail_is_cut_to_1000_characters(Aman aman) {
        String key = "k".repeat(2000);

        confirmed(aman.api()).post("/config/set", "{\"changes\": {\"" + key + "\": 1}}");

        assertThat(lastRecord(aman).get("detail").asText()).hasSize(1000).startsWith("unknown config key: kkk");
    }

    @AmanTest
    void get_requests_are_never_audited(Aman aman) {
        confirmed(aman.api()).post("/config/set", change(24));
        int before = withoutSystemRecords(items(aman.api(), "/audit-log?limit=1000")).size();

        for (String path : List.of("/runtime/status", "/runtime/config", "/audit-log", "/debug/metrics", "/health",
                "/health/live", "/health/ready", "/metrics", "/nope")) {
            aman.api().get(path);
        }

        assertThat(withoutSystemRecords(items(aman.api(), "/audit-log?limit=1000"))).hasSize(before);
    }

    // ---- pagination ----

    @AmanTest
    void cursor_pages_cover_every_record_once_and_end_with_a_null_cursor(Aman aman) {
        createConfigRecords(aman, 25);
        List<String> all = ids(items(aman.api(), "/audit-log?action=config.set&limit=1000"));
        assertThat(all).hasSize(25);

        List<JsonNode> pages = followPages(aman.api(), "/audit-log?action=config.set&limit=10", null);

        assertThat(pages).hasSize(3);
        assertThat(pages.get(0).get("items")).hasSize(10);
        assertThat(pages.get(1).get("items")).hasSize(10);
        assertThat(pages.get(2).get("items")).hasSize(5);
        assertThat(pages.get(0).get("next_cursor").isTextual()).isTrue();
        assertThat(pages.get(1).get("next_cursor").isTextual()).isTrue();
        assertThat(pages.get(2).get("next_cursor").isNull()).isTrue();
        assertThat(idsOf(pages)).containsExactlyElementsOf(all);
    }

    @AmanTest
    void next_cursor_is_null_when_the_last_page_is_exactly_full(Aman aman) {
        createConfigRecords(aman, 20);

        List<JsonNode> pages = followPages(aman.api(), "/audit-log?action=config.set&limit=10", null);

        assertThat(pages).hasSize(2);
        assertThat(pages.get(1).get("items")).hasSize(10);
        assertThat(pages.get(1).get("next_cursor").isNull()).isTrue();
    }

    @AmanTest
    void newest_first_cursor_neither_repeats_nor_skips_while_records_are_inserted(Aman aman) {
        createConfigRecords(aman, 25);
        List<String> snapshot = ids(items(aman.api(), "/audit-log?action=config.set&limit=1000"));

        List<JsonNode> pages = followPages(aman.api(), "/audit-log?action=config.set&limit=10",
                () -> createConfigRecords(aman, 3));

        // newer records sort before the first page, so the walk returns exactly the original records
        assertThat(idsOf(pages)).containsExactlyElementsOf(snapshot);
    }

    @AmanTest
    void oldest_first_cursor_neither_repeats_nor_skips_while_records_are_inserted(Aman aman) {
        createConfigRecords(aman, 25);
        List<String> snapshot = ids(items(aman.api(), "/audit-log?action=config.set&order=asc&limit=1000"));

        List<JsonNode> pages = followPages(aman.api(), "/audit-log?action=config.set&order=asc&limit=10",
                () -> createConfigRecords(aman, 3));

        List<String> walked = idsOf(pages);
        assertThat(new HashSet<>(walked)).hasSameSizeAs(walked);
        assertThat(walked.subList(0, snapshot.size())).containsExactlyElementsOf(snapshot);
        assertThat(walked).hasSizeGreaterThan(snapshot.size()); // records added behind the cursor show up at the end
    }

    @AmanTest
    void default_order_is_newest_first(Aman aman) {
        createConfigRecords(aman, 12);

        List<JsonNode> records = items(aman.api(), "/audit-log?action=config.set");

        for (int i = 1; i < records.size(); i++) {
            JsonNode prev = records.get(i - 1);
            JsonNode cur = records.get(i);
            long pt = prev.get("timestamp_ms").asLong();
            long ct = cur.get("timestamp_ms").asLong();
            assertThat(pt).isGreaterThanOrEqualTo(ct);
            if (pt == ct) {
                assertThat(prev.get("id").asText()).isGreaterThan(cur.get("id").asText());
            }
        }
        // the newest record is the last change made
        assertThat(records.get(0).get("detail").asText()).endsWith("→ 13");
    }

    @AmanTest
    void order_asc_is_oldest_first_and_the_reverse_of_desc(Aman aman) {
        createConfigRecords(aman, 12);

        List<String> desc = ids(items(aman.api(), "/audit-log?action=config.set&order=desc"));
        List<String> asc = ids(items(aman.api(), "/audit-log?action=config.set&order=asc"));

        assertThat(asc).containsExactlyElementsOf(desc.reversed());
    }

    @AmanTest
    void offset_skips_records(Aman aman) {
        createConfigRecords(aman, 8);
        List<String> all = ids(items(aman.api(), "/audit-log?action=config.set"));

        List<String> skipped = ids(items(aman.api(), "/audit-log?action=config.set&offset=3&limit=2"));

        assertThat(skipped).containsExactlyElementsOf(all.subList(3, 5));
    }

    @AmanTest
    void cursor_may_be_followed_with_another_limit(Aman aman) {
        createConfigRecords(aman, 6);
        List<String> all = ids(items(aman.api(), "/audit-log?action=config.set"));
        String cursor = aman.api().get("/audit-log?action=config.set&limit=2").json().get("next_cursor").asText();

        ApiResult res = aman.api().get("/audit-log?action=config.set&limit=3&cursor=" + cursor);

        assertThat(res.status()).isEqualTo(200);
        assertThat(ids(list(res))).containsExactlyElementsOf(all.subList(2, 5));
    }

    // ---- filters ----

    @AmanTest
    void action_filter_matches_exactly(Aman aman) {
        createMixedRecords(aman);

        assertThat(items(aman.api(), "/audit-log?action=config.set"))
                .hasSize(3).allSatisfy(r -> assertThat(r.get("action").asText()).isEqualTo("config.set"));
        assertThat(items(aman.api(), "/audit-log?action=config")).isEmpty();
        assertThat(items(aman.api(), "/audit-log?action=config.")).isEmpty();
        assertThat(items(aman.api(), "/audit-log?action=CONFIG.SET")).isEmpty();
    }

    @AmanTest
    void action_filter_ending_in_star_matches_a_prefix(Aman aman) {
        createMixedRecords(aman);

        assertThat(items(aman.api(), "/audit-log?action=config.*"))
                .hasSize(3).allSatisfy(r -> assertThat(r.get("action").asText()).isEqualTo("config.set"));
        assertThat(items(aman.api(), "/audit-log?action=agent.*"))
                .hasSize(2).allSatisfy(r -> assertThat(r.get("action").asText()).isEqualTo("agent.start"));
        assertThat(items(aman.api(), "/audit-log?action=*")).hasSizeGreaterThanOrEqualTo(5);
    }

    @AmanTest
    void prefix_filter_treats_sql_wildcards_literally(Aman aman) {
        createMixedRecords(aman);

        assertThat(items(aman.api(), "/audit-log?action=config_*")).isEmpty();
        assertThat(items(aman.api(), "/audit-log?action=%25*")).isEmpty();
    }

    @AmanTest
    void operator_filter_is_exact_and_case_insensitive(Aman aman) {
        createMixedRecords(aman);

        assertThat(items(aman.api(), "/audit-log?operator=alice"))
                .hasSize(2).allSatisfy(r -> assertThat(r.get("operator").asText()).isEqualTo("Alice"));
        assertThat(items(aman.api(), "/audit-log?operator=ALICE")).hasSize(2);
        assertThat(items(aman.api(), "/audit-log?operator=ali")).isEmpty();
        assertThat(items(aman.api(), "/audit-log?operator=Bob"))
                .hasSize(2).allSatisfy(r -> assertThat(r.get("operator").asText()).isEqualTo("bob"));
    }

    @AmanTest
    void outcome_filter_selects_one_outcome(Aman aman) {
        createMixedRecords(aman);

        assertThat(items(aman.api(), "/audit-log?outcome=confirm_required"))
                .hasSize(1).allSatisfy(r -> assertThat(r.get("action").asText()).isEqualTo("config.set"));
        List<JsonNode> ok = items(aman.api(), "/audit-log?outcome=ok");
        assertThat(ok).allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("ok"));
        assertThat(withoutSystemRecords(ok)).hasSize(4);
        assertThat(items(aman.api(), "/audit-log?outcome=not_found")).isEmpty();
    }

    @AmanTest
    void unknown_outcome_value_is_400(Aman aman) {
        ApiResult res = aman.api().get("/audit-log?outcome=great");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: ");
    }

    @AmanTest
    void target_filter_matches_exactly_or_by_prefix(Aman aman) {
        createMixedRecords(aman);

        List<JsonNode> runtime = items(aman.api(), "/audit-log?target=runtime");
        assertThat(runtime).allSatisfy(r -> assertThat(r.get("target").asText()).isEqualTo("runtime"));
        assertThat(withoutSystemRecords(runtime))
                .hasSize(2).allSatisfy(r -> assertThat(r.get("action").asText()).isEqualTo("agent.start"));
        assertThat(items(aman.api(), "/audit-log?target=conf*"))
                .hasSize(3).allSatisfy(r -> assertThat(r.get("target").asText()).isEqualTo("config"));
        assertThat(items(aman.api(), "/audit-log?target=conf")).isEmpty();
    }

    @AmanTest
    void filters_combine(Aman aman) {
        createMixedRecords(aman);

        List<JsonNode> records = items(aman.api(), "/audit-log?action=config.*&operator=alice&outcome=ok");

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.get("operator").asText()).isEqualTo("Alice");
            assertThat(r.get("action").asText()).isEqualTo("config.set");
        });
    }

    @AmanTest
    void since_ms_and_until_ms_are_inclusive_bounds(Aman aman) {
        createConfigRecords(aman, 12);
        List<JsonNode> all = items(aman.api(), "/audit-log?action=config.set&order=asc");
        long first = all.get(0).get("timestamp_ms").asLong();
        long mid = all.get(6).get("timestamp_ms").asLong();
        long last = all.get(all.size() - 1).get("timestamp_ms").asLong();

        assertThat(ids(items(aman.api(), "/audit-log?action=config.set&order=asc&since_ms=" + mid)))
                .containsExactlyElementsOf(ids(all.stream().filter(r -> r.get("timestamp_ms").asLong() >= mid).toList()));
        assertThat(ids(items(aman.api(), "/audit-log?action=config.set&order=asc&until_ms=" + mid)))
                .containsExactlyElementsOf(ids(all.stream().filter(r -> r.get("timestamp_ms").asLong() <= mid).toList()));
        assertThat(ids(items(aman.api(), "/audit-log?action=config.set&order=asc&since_ms=" + mid + "&until_ms=" + mid)))
                .containsExactlyElementsOf(ids(all.stream().filter(r -> r.get("timestamp_ms").asLong() == mid).toList()));
        assertThat(items(aman.api(), "/audit-log?action=config.set&since_ms=" + first + "&until_ms=" + last)).hasSize(12);
        assertThat(items(aman.api(), "/audit-log?action=config.set&since_ms=" + (last + 1))).isEmpty();
    }

    @AmanTest
    void since_ms_after_until_ms_is_400(Aman aman) {
        ApiResult res = aman.api().get("/audit-log?since_ms=2000&until_ms=1000");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: ");
    }

    @AmanTest
    void non_integer_time_bound_is_400(Aman aman) {
        ApiResult res = aman.api().get("/audit-log?since_ms=yesterday");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: since_ms");
    }

    // ---- cursor and limit errors ----

    @AmanTest
    void cursor_used_with_other_filters_is_400(Aman aman) {
        createMixedRecords(aman);
        String cursor = aman.api().get("/audit-log?action=config.set&limit=1").json().get("next_cursor").asText();

        for (String query : List.of("action=agent.start", "action=config.set&order=asc", "action=config.set&operator=bob",
                "action=config.set&outcome=ok", "")) {
            ApiResult res = aman.api().get("/audit-log?" + query + "&cursor=" + cursor);
            assertThat(res.status()).as(query).isEqualTo(400);
            assertThat(res.error()).isEqualTo("invalid request: cursor does not match this query");
        }
    }

    @AmanTest
    void malformed_cursor_is_400(Aman aman) {
        for (String cursor : List.of("not-a-cursor", "AAAA", "%21%21", "eyJhIjoxfQ")) {
            ApiResult res = aman.api().get("/audit-log?cursor=" + cursor);
            assertThat(res.status()).as(cursor).isEqualTo(400);
            assertThat(res.error()).startsWith("invalid request: ");
        }
    }

    @AmanTest
    void cursor_and_offset_together_are_400(Aman aman) {
        createConfigRecords(aman, 3);
        String cursor = aman.api().get("/audit-log?limit=1").json().get("next_cursor").asText();

        ApiResult res = aman.api().get("/audit-log?limit=1&offset=0&cursor=" + cursor);

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: ");
    }

    @AmanTest
    void limit_above_the_maximum_is_clamped(Aman aman) {
        createConfigRecords(aman, 3);

        ApiResult res = aman.api().get("/audit-log?action=config.set&limit=5000");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("items")).hasSize(3);
        assertThat(res.json().get("next_cursor").isNull()).isTrue();
    }

    @AmanTest
    void limit_below_one_or_not_an_integer_is_400(Aman aman) {
        for (String limit : List.of("0", "-1", "ten", "1.5")) {
            ApiResult res = aman.api().get("/audit-log?limit=" + limit);
            assertThat(res.status()).as(limit).isEqualTo(400);
            assertThat(res.error()).startsWith("invalid request: limit");
        }
    }

    @AmanTest
    void negative_offset_is_400(Aman aman) {
        ApiResult res = aman.api().get("/audit-log?offset=-1");

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).startsWith("invalid request: offset");
    }

    // ---- durability ----

    @AmanTest
    void audit_records_survive_a_restart(Aman aman) {
        createMixedRecords(aman);
        List<JsonNode> before = items(aman.api(), "/audit-log?limit=1000");

        aman.restart();

        List<JsonNode> after = items(aman.api(), "/audit-log?limit=1000");
        assertThat(after).containsAll(before);
    }

    // ---- helpers ----

    private static ApiClient confirmed(ApiClient api) {
        return api.with("x-aman-confirm", "yes");
    }

    private static String change(int maxTurns) {
        return "{\"changes\": {\"llm.max_turns\": " + maxTurns + "}}";
    }

    /** {@code n} successful config.set records, setting llm.max_turns to 2, 3, …, n+1. */
    private static void createConfigRecords(Aman aman, int n) {
        ApiClient client = confirmed(aman.api());
        int base = (int) (aman.api().get("/runtime/config").json().get("config_revision").asLong());
        for (int i = 0; i < n; i++) {
            ApiResult res = client.post("/config/set", change(2 + (base + i) % 200));
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
        }
    }

    /**
     * Three config.set records (Alice ok, bob ok, bob confirm_required) and two agent.start records (Alice,
     * api), all ok except the unconfirmed one.
     */
    private static void createMixedRecords(Aman aman) {
        ApiClient alice = aman.api().with("x-aman-operator", "Alice");
        ApiClient bob = aman.api().with("x-aman-operator", "bob");
        assertThat(confirmed(alice).post("/config/set", change(20)).status()).isEqualTo(200);
        assertThat(confirmed(bob).post("/config/set", change(21)).status()).isEqualTo(200);
        assertThat(bob.post("/config/set", change(22)).status()).isEqualTo(409);
        assertThat(alice.post("/agent/start").status()).isEqualTo(200);
        assertThat(aman.api().post("/agent/start").status()).isEqualTo(200);
    }

    /** Follows next_cursor from {@code firstPage}; {@code between} runs after the first page is read. */
    private static List<JsonNode> followPages(ApiClient api, String firstPage, Runnable between) {
        List<JsonNode> pages = new ArrayList<>();
        ApiResult res = api.get(firstPage);
        while (true) {
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            JsonNode page = res.json();
            pages.add(page);
            assertThat(pages).as("too many pages").hasSizeLessThan(20);
            if (pages.size() == 1 && between != null) {
                between.run();
            }
            JsonNode next = page.get("next_cursor");
            if (next.isNull()) {
                return pages;
            }
            res = api.get(firstPage + "&cursor=" + next.asText());
        }
    }

    /** Drops the records aman writes itself (e.g. {@code runtime.recovery} at phase 1, API.md §23). */
    private static List<JsonNode> withoutSystemRecords(List<JsonNode> records) {
        return records.stream().filter(r -> !r.get("operator").asText().equals("system")).toList();
    }

    private static List<String> idsOf(List<JsonNode> pages) {
        List<String> out = new ArrayList<>();
        pages.forEach(p -> p.get("items").forEach(r -> out.add(r.get("id").asText())));
        return out;
    }

    private static List<String> ids(List<JsonNode> records) {
        return records.stream().map(r -> r.get("id").asText()).toList();
    }

    private static JsonNode lastRecord(Aman aman) {
        List<JsonNode> records = items(aman.api(), "/audit-log?limit=1");
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private static List<JsonNode> items(ApiClient api, String path) {
        ApiResult res = api.get(path);
        assertThat(res.status()).as(path + " → " + res).isEqualTo(200);
        return list(res);
    }

    private static List<JsonNode> list(ApiResult res) {
        List<JsonNode> out = new ArrayList<>();
        res.json().get("items").forEach(out::add);
        return out;
    }
}
