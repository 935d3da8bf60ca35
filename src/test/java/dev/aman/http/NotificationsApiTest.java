package dev.aman.http;

import static dev.aman.http.EventsApiTest.enc;
import static dev.aman.http.EventsApiTest.fieldNames;
import static dev.aman.http.EventsApiTest.ids;
import static dev.aman.http.EventsApiTest.items;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatObject;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.testing.Aman;
import dev.aman.testing.AmanTest;
import dev.aman.testing.ApiResult;
import java.util.ArrayList;
import java.util.List;

/** Notifications (API.md §2.4, §15, §24): the test producer, listing, counts, ack, dismiss and durability. */
class NotificationsApiTest {
    private static final String UUID_V7 = "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private static final String UNKNOWN_ID = "0195f3c3-6a2e-7b10-9c1d-3f2a4b5c6d7e";

    // ---- the test producer ----

    @AmanTest
    void test_notification_with_a_token_configured_is_403_dev_mode_only(Aman aman) {
        ApiResult res = aman.api().post("/notifications/test", "{\"severity\": \"info\"}");

        assertThat(res.status()).isEqualTo(403);
        assertThat(res.error()).isEqualTo("dev mode only");
        assertThat(items(aman.api(), "/notifications?active_only=false")).isEmpty();
        assertThat(items(aman.api(), "/audit-log?action=notification.test")).singleElement()
                .satisfies(r -> assertThat(r.get("outcome").asText()).isEqualTo("forbidden"));
    }

    @AmanTest
    void test_notification_in_dev_mode_has_the_documented_defaults_and_shape(Aman aman) {
        aman.token("");
        long before = System.currentTimeMillis();

        ApiResult res = aman.api().post("/notifications/test");

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        JsonNode n = res.json();
        assertThat(fieldNames(n)).containsExactlyInAnyOrder("id", "severity", "category", "title", "message", "created_at_ms",
                "updated_at_ms", "count", "acked", "acked_at_ms", "acked_by", "dismissed", "dismissed_at_ms", "dismissible",
                "action_label", "action_route", "event_id", "source");
        assertThat(n.get("id").asText()).matches(UUID_V7);
        assertThat(n.get("severity").asText()).isEqualTo("warning");
        assertThat(n.get("category").asText()).isEqualTo("test");
        assertThat(n.get("title").asText()).isEqualTo("Test notification");
        assertThat(n.get("message").asText()).isEqualTo("This is a test notification from aman.");
        assertThat(n.get("created_at_ms").asLong()).isGreaterThanOrEqualTo(before);
        assertThat(n.get("updated_at_ms").asLong()).isEqualTo(n.get("created_at_ms").asLong());
        assertThat(n.get("count").asInt()).isEqualTo(1);
        assertThat(n.get("acked").asBoolean()).isFalse();
        assertThat(n.get("acked_at_ms").isNull()).isTrue();
        assertThat(n.get("acked_by").isNull()).isTrue();
        assertThat(n.get("dismissed").asBoolean()).isFalse();
        assertThat(n.get("dismissed_at_ms").isNull()).isTrue();
        assertThat(n.get("dismissible").asBoolean()).isTrue();
        assertThat(n.get("action_label").isNull()).isTrue();
        assertThat(n.get("action_route").isNull()).isTrue();
        assertThat(n.get("event_id").isNull()).isTrue();
        assertThat(n.get("source").asText()).isEqualTo("api");
        assertThat(items(aman.api(), "/audit-log?action=notification.test")).singleElement().satisfies(r -> {
            assertThat(r.get("outcome").asText()).isEqualTo("ok");
            assertThat(r.get("target").asText()).isEqualTo("notification:" + n.get("id").asText());
        });
    }

    @AmanTest
    void test_notification_takes_severity_title_message_and_an_action(Aman aman) {
        aman.token("");

        JsonNode n = create(aman, "{\"severity\": \"critical\", \"title\": \"Disk\", \"message\": \"almost full\","
                + " \"action_label\": \"Open DLQ\", \"action_route\": \"/dlq\"}");

        assertThat(n.get("severity").asText()).isEqualTo("critical");
        assertThat(n.get("title").asText()).isEqualTo("Disk");
        assertThat(n.get("message").asText()).isEqualTo("almost full");
        assertThat(n.get("action_label").asText()).isEqualTo("Open DLQ");
        assertThat(n.get("action_route").asText()).isEqualTo("/dlq");
        assertThat(n.get("dismissible").asBoolean()).isFalse();
    }

    @AmanTest
    void test_notifications_are_never_coalesced(Aman aman) {
        aman.token("");

        String a = create(aman, "{\"title\": \"Same\"}").get("id").asText();
        String b = create(aman, "{\"title\": \"Same\"}").get("id").asText();

        assertThat(a).isNotEqualTo(b);
        assertThat(items(aman.api(), "/notifications")).hasSize(2).allSatisfy(n -> assertThat(n.get("count").asInt()).isEqualTo(1));
    }

    @AmanTest
    void test_notification_publishes_notification_created(Aman aman) {
        aman.token("");

        JsonNode n = create(aman, "{\"severity\": \"info\", \"title\": \"Hello\"}");

        await().atMost(20, SECONDS).untilAsserted(() ->
                assertThat(items(aman.api(), "/events/recent?event_type=" + enc("notification:created"))).singleElement()
                        .satisfies(e -> {
                            JsonNode p = e.get("payload");
                            assertThat(p.get("id").asText()).isEqualTo(n.get("id").asText());
                            assertThat(p.get("severity").asText()).isEqualTo("info");
                            assertThat(p.get("category").asText()).isEqualTo("test");
                            assertThat(p.get("title").asText()).isEqualTo("Hello");
                        }));
    }

    @AmanTest
    void action_label_and_action_route_must_come_together(Aman aman) {
        aman.token("");

        ApiResult labelOnly = aman.api().post("/notifications/test", "{\"action_label\": \"Open DLQ\"}");
        ApiResult routeOnly = aman.api().post("/notifications/test", "{\"action_route\": \"/dlq\"}");

        assertThat(labelOnly.status()).isEqualTo(400);
        assertThat(labelOnly.error()).startsWith("invalid request: action_");
        assertThat(routeOnly.status()).isEqualTo(400);
        assertThat(routeOnly.error()).startsWith("invalid request: action_");
        assertThat(items(aman.api(), "/notifications?active_only=false")).isEmpty();
    }

    @AmanTest
    void invalid_test_notification_fields_are_400_naming_the_field(Aman aman) {
        aman.token("");
        record Invalid(String body, String field) {
        }
        List<Invalid> cases = List.of(
                new Invalid("{\"severity\": \"fatal\"}", "severity"),
                new Invalid("{\"severity\": 3}", "severity"),
                new Invalid("{\"title\": \"\"}", "title"),
                new Invalid("{\"title\": \"" + "t".repeat(201) + "\"}", "title"),
                new Invalid("{\"message\": \"" + "m".repeat(4001) + "\"}", "message"),
                new Invalid("[]", "body"));

        for (Invalid c : cases) {
            ApiResult res = aman.api().post("/notifications/test", c.body());
            assertThat(res.status()).as(c.body()).isEqualTo(400);
            assertThat(res.error()).as(c.body()).startsWith("invalid request: " + c.field());
        }
        assertThat(items(aman.api(), "/notifications?active_only=false")).isEmpty();
    }

    // ---- listing and counts ----

    @AmanTest
    void list_is_newest_first(Aman aman) {
        aman.token("");
        List<String> created = createThree(aman);

        ApiResult res = aman.api().get("/notifications");

        assertThat(res.status()).isEqualTo(200);
        assertThat(ids(items(aman.api(), "/notifications"))).containsExactlyElementsOf(created.reversed());
        assertThat(res.json().get("next_cursor").isNull()).isTrue();
    }

    @AmanTest
    void list_filters_by_severity_category_and_read_state(Aman aman) {
        aman.token("");
        List<String> created = createThree(aman); // info, warning, critical
        aman.api().post("/notifications/" + created.get(1) + "/ack");
        aman.api().post("/notifications/" + created.get(0) + "/dismiss");

        assertThat(ids(items(aman.api(), "/notifications?severity=critical"))).containsExactly(created.get(2));
        assertThat(ids(items(aman.api(), "/notifications"))).containsExactly(created.get(2), created.get(1));
        assertThat(ids(items(aman.api(), "/notifications?active_only=false"))).containsExactlyElementsOf(created.reversed());
        assertThat(ids(items(aman.api(), "/notifications?unread_only=true"))).containsExactly(created.get(2));
        assertThat(ids(items(aman.api(), "/notifications?category=test&active_only=0"))).hasSize(3);
        assertThat(items(aman.api(), "/notifications?category=dlq")).isEmpty();
        ApiResult bad = aman.api().get("/notifications?severity=fatal");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).startsWith("invalid request: severity");
    }

    @AmanTest
    void list_pages_with_a_cursor(Aman aman) {
        aman.token("");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(create(aman, "{\"title\": \"n" + i + "\"}").get("id").asText());
        }

        List<String> seen = new ArrayList<>();
        String path = "/notifications?limit=2";
        int pages = 0;
        while (path != null) {
            JsonNode page = aman.api().get(path).json();
            pages++;
            seen.addAll(ids(page.get("items")));
            path = page.get("next_cursor").isNull() ? null : "/notifications?limit=2&cursor=" + enc(page.get("next_cursor").asText());
        }

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(created.reversed());
    }

    @AmanTest
    void unread_count_counts_active_unacked_notifications_by_severity(Aman aman) {
        aman.token("");
        List<String> created = createThree(aman);

        assertThatObject(aman.api().get("/notifications/unread-count").json()).satisfies(c -> {
            assertThat(c.get("count").asLong()).isEqualTo(3);
            assertThat(c.get("by_severity").get("info").asLong()).isEqualTo(1);
            assertThat(c.get("by_severity").get("warning").asLong()).isEqualTo(1);
            assertThat(c.get("by_severity").get("critical").asLong()).isEqualTo(1);
        });

        aman.api().post("/notifications/" + created.get(2) + "/ack");
        aman.api().post("/notifications/" + created.get(0) + "/dismiss");

        assertThatObject(aman.api().get("/notifications/unread-count").json()).satisfies(c -> {
            assertThat(c.get("count").asLong()).isEqualTo(1);
            assertThat(c.get("by_severity").get("info").asLong()).isZero();
            assertThat(c.get("by_severity").get("warning").asLong()).isEqualTo(1);
            assertThat(c.get("by_severity").get("critical").asLong()).isZero();
        });
    }

    // ---- ack ----

    @AmanTest
    void ack_records_who_and_when_and_does_not_dismiss(Aman aman) {
        aman.token("");
        String id = create(aman, "{\"severity\": \"warning\"}").get("id").asText();
        long before = System.currentTimeMillis();

        ApiResult res = aman.api().with("x-aman-operator", "alice").post("/notifications/" + id + "/ack");

        assertThat(res.status()).isEqualTo(200);
        JsonNode n = res.json();
        assertThat(n.get("id").asText()).isEqualTo(id);
        assertThat(n.get("acked").asBoolean()).isTrue();
        assertThat(n.get("acked_at_ms").asLong()).isGreaterThanOrEqualTo(before);
        assertThat(n.get("acked_by").asText()).isEqualTo("alice");
        assertThat(n.get("dismissed").asBoolean()).isFalse();
        assertThat(ids(items(aman.api(), "/notifications"))).containsExactly(id);
        assertThat(items(aman.api(), "/audit-log?action=notification.ack")).singleElement().satisfies(r -> {
            assertThat(r.get("outcome").asText()).isEqualTo("ok");
            assertThat(r.get("operator").asText()).isEqualTo("alice");
            assertThat(r.get("target").asText()).isEqualTo("notification:" + id);
            assertThat(r.get("detail").asText()).isNotEqualTo("unchanged");
        });
    }

    @AmanTest
    void ack_without_operator_header_is_acked_by_api(Aman aman) {
        aman.token("");
        String id = create(aman, "{}").get("id").asText();

        JsonNode n = aman.api().post("/notifications/" + id + "/ack").json();

        assertThat(n.get("acked_by").asText()).isEqualTo("api");
    }

    @AmanTest
    void ack_of_an_acked_notification_is_200_unchanged(Aman aman) {
        aman.token("");
        String id = create(aman, "{}").get("id").asText();
        JsonNode first = aman.api().with("x-aman-operator", "alice").post("/notifications/" + id + "/ack").json();

        ApiResult again = aman.api().with("x-aman-operator", "bob").post("/notifications/" + id + "/ack");

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("acked_by").asText()).isEqualTo("alice");
        assertThat(again.json().get("acked_at_ms").asLong()).isEqualTo(first.get("acked_at_ms").asLong());
        assertThat(items(aman.api(), "/audit-log?action=notification.ack")).first()
                .satisfies(r -> assertThat(r.get("detail").asText()).isEqualTo("unchanged"));
    }

    // ---- dismiss ----

    @AmanTest
    void dismiss_hides_a_notification_from_the_active_list(Aman aman) {
        aman.token("");
        String id = create(aman, "{\"severity\": \"info\"}").get("id").asText();

        ApiResult res = aman.api().post("/notifications/" + id + "/dismiss");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("dismissed").asBoolean()).isTrue();
        assertThat(res.json().get("dismissed_at_ms").asLong()).isPositive();
        assertThat(items(aman.api(), "/notifications")).isEmpty();
        assertThat(ids(items(aman.api(), "/notifications?active_only=false"))).containsExactly(id);
        assertThat(items(aman.api(), "/audit-log?action=notification.dismiss")).singleElement().satisfies(r -> {
            assertThat(r.get("outcome").asText()).isEqualTo("ok");
            assertThat(r.get("target").asText()).isEqualTo("notification:" + id);
        });
    }

    @AmanTest
    void critical_notification_cannot_be_dismissed_before_it_is_acked(Aman aman) {
        aman.token("");
        String id = create(aman, "{\"severity\": \"critical\"}").get("id").asText();

        ApiResult refused = aman.api().post("/notifications/" + id + "/dismiss");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error()).isEqualTo("invalid state transition: critical notifications must be acknowledged first");
        assertThat(ids(items(aman.api(), "/notifications"))).containsExactly(id);
        JsonNode acked = aman.api().post("/notifications/" + id + "/ack").json();
        assertThat(acked.get("dismissible").asBoolean()).isTrue();
        ApiResult dismissed = aman.api().post("/notifications/" + id + "/dismiss");
        assertThat(dismissed.status()).isEqualTo(200);
        assertThat(dismissed.json().get("dismissed").asBoolean()).isTrue();
        assertThat(items(aman.api(), "/audit-log?action=notification.dismiss&order=asc"))
                .extracting(r -> r.get("outcome").asText()).containsExactly("conflict", "ok");
    }

    @AmanTest
    void dismiss_of_a_dismissed_notification_is_200_unchanged(Aman aman) {
        aman.token("");
        String id = create(aman, "{\"severity\": \"info\"}").get("id").asText();
        JsonNode first = aman.api().post("/notifications/" + id + "/dismiss").json();

        ApiResult again = aman.api().post("/notifications/" + id + "/dismiss");

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("dismissed").asBoolean()).isTrue();
        assertThat(again.json().get("dismissed_at_ms").asLong()).isEqualTo(first.get("dismissed_at_ms").asLong());
        assertThat(items(aman.api(), "/audit-log?action=notification.dismiss")).first().satisfies(r -> {
            assertThat(r.get("outcome").asText()).isEqualTo("ok");
            assertThat(r.get("detail").asText()).isEqualTo("unchanged");
        });
    }

    @AmanTest
    void unknown_or_malformed_notification_id_is_404(Aman aman) {
        aman.token("");
        for (String action : List.of("ack", "dismiss")) {
            ApiResult unknown = aman.api().post("/notifications/" + UNKNOWN_ID + "/" + action);
            ApiResult malformed = aman.api().post("/notifications/not-an-id/" + action);

            assertThat(unknown.status()).as(action).isEqualTo(404);
            assertThat(unknown.error()).isEqualTo("not found: notification " + UNKNOWN_ID);
            assertThat(malformed.status()).as(action).isEqualTo(404);
        }
        assertThat(items(aman.api(), "/audit-log?action=notification.ack")).singleElement()
                .satisfies(r -> assertThat(r.get("outcome").asText()).isEqualTo("not_found"));
    }

    // ---- dismiss-all ----

    @AmanTest
    void dismiss_all_keeps_unacked_criticals(Aman aman) {
        aman.token("");
        create(aman, "{\"severity\": \"info\"}");
        create(aman, "{\"severity\": \"warning\"}");
        String ackedCritical = create(aman, "{\"severity\": \"critical\"}").get("id").asText();
        String openCritical = create(aman, "{\"severity\": \"critical\"}").get("id").asText();
        aman.api().post("/notifications/" + ackedCritical + "/ack");

        ApiResult res = aman.api().post("/notifications/dismiss-all");

        assertThat(res.status()).isEqualTo(200);
        assertThat(fieldNames(res.json())).containsExactlyInAnyOrder("dismissed", "remaining_active");
        assertThat(res.json().get("dismissed").asInt()).isEqualTo(3);
        assertThat(res.json().get("remaining_active").asLong()).isEqualTo(1);
        assertThat(ids(items(aman.api(), "/notifications"))).containsExactly(openCritical);
        assertThat(items(aman.api(), "/audit-log?action=notification.dismiss_all")).singleElement().satisfies(r -> {
            assertThat(r.get("outcome").asText()).isEqualTo("ok");
            assertThat(r.get("target").asText()).isEqualTo("notifications");
        });
    }

    @AmanTest
    void dismiss_all_honours_its_severity_filter(Aman aman) {
        aman.token("");
        String info = create(aman, "{\"severity\": \"info\"}").get("id").asText();
        String warning = create(aman, "{\"severity\": \"warning\"}").get("id").asText();

        ApiResult res = aman.api().post("/notifications/dismiss-all", "{\"severity\": \"info\"}");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("dismissed").asInt()).isEqualTo(1);
        assertThat(ids(items(aman.api(), "/notifications"))).containsExactly(warning).doesNotContain(info);
        ApiResult bad = aman.api().post("/notifications/dismiss-all", "{\"severity\": \"loud\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).startsWith("invalid request: severity");
    }

    @AmanTest
    void dismiss_all_with_nothing_to_dismiss_answers_zero(Aman aman) {
        aman.token("");

        ApiResult res = aman.api().post("/notifications/dismiss-all");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("dismissed").asInt()).isZero();
        assertThat(res.json().get("remaining_active").asLong()).isZero();
    }

    // ---- durability ----

    @AmanTest
    void notifications_and_their_state_survive_a_restart(Aman aman) {
        aman.token("");
        List<String> created = createThree(aman);
        aman.api().with("x-aman-operator", "alice").post("/notifications/" + created.get(2) + "/ack");
        aman.api().post("/notifications/" + created.get(0) + "/dismiss");
        List<JsonNode> before = items(aman.api(), "/notifications?active_only=false");

        aman.restart();

        assertThat(items(aman.api(), "/notifications?active_only=false")).containsExactlyElementsOf(before);
        JsonNode critical = items(aman.api(), "/notifications?severity=critical").get(0);
        assertThat(critical.get("acked_by").asText()).isEqualTo("alice");
        assertThat(critical.get("dismissible").asBoolean()).isTrue();
    }

    // ---- helpers ----

    private static JsonNode create(Aman aman, String body) {
        ApiResult res = aman.api().post("/notifications/test", body);
        assertThat(res.status()).as(body + " → " + res).isEqualTo(200);
        return res.json();
    }

    /** info, warning, critical — in creation order. */
    private static List<String> createThree(Aman aman) {
        List<String> ids = new ArrayList<>();
        for (String severity : List.of("info", "warning", "critical")) {
            ids.add(create(aman, "{\"severity\": \"" + severity + "\", \"title\": \"" + severity + "\"}").get("id").asText());
        }
        return ids;
    }
}
