package dev.aman.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.json.Json;
import dev.aman.testing.Aman;
import dev.aman.testing.AmanTest;
import dev.aman.testing.ApiClient;
import dev.aman.testing.ApiResult;
import java.util.ArrayList;
import java.util.List;

/** Token authentication and development mode (API.md §1.2, §1.3). */
class AuthApiTest {
    private static final String CHANGE = "{\"changes\": {\"llm.max_turns\": 24}}";

    @AmanTest
    void missing_token_is_401_with_bearer_challenge_and_fixed_body(Aman aman) throws Exception {
        ApiResult res = aman.anonymous().get("/runtime/status");

        assertThat(res.status()).isEqualTo(401);
        assertThat(res.header("www-authenticate")).isEqualTo("Bearer");
        assertThat(res.json()).isEqualTo(Json.parse("{\"error\": \"unauthorized\", \"message\": \"unauthorized\"}"));
    }

    @AmanTest
    void wrong_token_in_authorization_is_401(Aman aman) {
        ApiResult res = aman.anonymous().with("Authorization", "Bearer " + Aman.TOKEN + "x").get("/runtime/status");

        assertUnauthorized(res);
    }

    @AmanTest
    void token_prefix_in_authorization_is_401(Aman aman) {
        ApiResult res = aman.anonymous().with("Authorization", "Bearer " + Aman.TOKEN.substring(0, 8)).get("/runtime/status");

        assertUnauthorized(res);
    }

    @AmanTest
    void wrong_token_in_x_aman_token_is_401(Aman aman) {
        ApiResult res = aman.anonymous().with("x-aman-token", "not-the-token-123").get("/runtime/status");

        assertUnauthorized(res);
    }

    @AmanTest
    void valid_x_aman_token_alone_is_accepted(Aman aman) {
        ApiResult res = aman.anonymous().with("x-aman-token", Aman.TOKEN).get("/runtime/status");

        assertThat(res.status()).isEqualTo(200);
    }

    @AmanTest
    void bearer_scheme_is_matched_case_insensitively(Aman aman) {
        for (String scheme : List.of("bearer", "BEARER", "BeArEr")) {
            ApiResult res = aman.anonymous().with("Authorization", scheme + " " + Aman.TOKEN).get("/runtime/status");
            assertThat(res.status()).as(scheme).isEqualTo(200);
        }
    }

    @AmanTest
    void two_spaces_after_bearer_is_401(Aman aman) {
        ApiResult res = aman.anonymous().with("Authorization", "Bearer  " + Aman.TOKEN).get("/runtime/status");

        assertUnauthorized(res);
    }

    @AmanTest
    void empty_bearer_credential_is_401(Aman aman) {
        // "Bearer " may lose its trailing space on the wire; both forms carry an empty credential
        for (String value : List.of("Bearer ", "Bearer")) {
            ApiResult res = aman.anonymous().with("Authorization", value).get("/runtime/status");
            assertUnauthorized(res);
        }
    }

    @AmanTest
    void basic_authorization_alone_is_401(Aman aman) {
        ApiResult res = aman.anonymous().with("Authorization", "Basic dXNlcjpwYXNz").get("/runtime/status");

        assertUnauthorized(res);
    }

    @AmanTest
    void basic_authorization_is_ignored_next_to_a_valid_x_aman_token(Aman aman) {
        ApiResult res = aman.anonymous().with("Authorization", "Basic dXNlcjpwYXNz").with("x-aman-token", Aman.TOKEN)
                .get("/runtime/status");

        assertThat(res.status()).isEqualTo(200);
    }

    @AmanTest
    void valid_bearer_with_a_wrong_x_aman_token_is_401(Aman aman) {
        ApiResult res = aman.api().with("x-aman-token", "not-the-token-123").get("/runtime/status");

        assertUnauthorized(res);
    }

    @AmanTest
    void wrong_bearer_with_a_valid_x_aman_token_is_401(Aman aman) {
        ApiResult res = aman.anonymous().with("Authorization", "Bearer not-the-token-123").with("x-aman-token", Aman.TOKEN)
                .get("/runtime/status");

        assertUnauthorized(res);
    }

    @AmanTest
    void valid_bearer_and_valid_x_aman_token_together_are_accepted(Aman aman) {
        ApiResult res = aman.api().with("x-aman-token", Aman.TOKEN).get("/runtime/status");

        assertThat(res.status()).isEqualTo(200);
    }

    @AmanTest
    void token_in_the_query_string_is_never_accepted(Aman aman) {
        for (String query : List.of("?token=", "?access_token=")) {
            ApiResult res = aman.anonymous().get("/runtime/status" + query + Aman.TOKEN);
            assertUnauthorized(res);
        }
    }

    @AmanTest
    void public_endpoints_answer_without_a_token(Aman aman) {
        ApiClient anonymous = aman.anonymous();
        for (String path : List.of("/health/live", "/health/ready", "/health", "/metrics")) {
            assertThat(anonymous.get(path).status()).as(path).isEqualTo(200);
        }
    }

    @AmanTest
    void dev_mode_treats_a_request_without_credentials_as_authenticated(Aman aman) {
        aman.token("");

        assertThat(aman.anonymous().get("/runtime/status").status()).isEqualTo(200);
        assertThat(aman.anonymous().get("/audit-log").status()).isEqualTo(200);
        ApiResult set = aman.anonymous().with("x-aman-confirm", "yes").post("/config/set", CHANGE);
        assertThat(set.status()).isEqualTo(200);
    }

    @AmanTest
    void dev_mode_accepts_any_credential(Aman aman) {
        aman.token("");

        ApiResult res = aman.anonymous().with("Authorization", "Bearer whatever-it-is").with("x-aman-token", "other")
                .get("/runtime/status");

        assertThat(res.status()).isEqualTo(200);
    }

    @AmanTest
    void dev_mode_is_reported_as_auth_mode_dev(Aman aman) {
        aman.token("");

        JsonNode cfg = aman.anonymous().get("/runtime/config").json();

        assertThat(cfg.get("auth_mode").asText()).isEqualTo("dev");
        assertThat(cfg.get("api_token_configured").asBoolean()).isFalse();
    }

    @AmanTest
    void unauthorized_mutation_writes_no_audit_record(Aman aman) {
        String requestId = "auth-test-401-request";
        ApiResult anonymous = aman.anonymous().with("x-request-id", requestId).with("x-aman-confirm", "yes")
                .post("/config/set", CHANGE);
        ApiResult wrong = aman.anonymous().with("x-request-id", requestId).with("Authorization", "Bearer wrong-token-123")
                .post("/agent/start");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(401);

        List<JsonNode> records = auditItems(aman.api(), "/audit-log?limit=1000");

        assertThat(records).noneMatch(r -> requestId.equals(r.path("request_id").asText()));
        assertThat(records).noneMatch(r -> r.get("action").asText().equals("config.set"));
        assertThat(records).noneMatch(r -> r.get("action").asText().equals("agent.start"));
    }

    @AmanTest
    void unauthorized_config_set_changes_nothing(Aman aman) {
        ApiResult res = aman.anonymous().with("x-aman-confirm", "yes").post("/config/set", CHANGE);
        assertThat(res.status()).isEqualTo(401);

        JsonNode cfg = aman.api().get("/runtime/config").json();

        assertThat(cfg.get("config_revision").asLong()).isZero();
        assertThat(cfg.get("overrides")).isEmpty();
    }

    private static void assertUnauthorized(ApiResult res) {
        assertThat(res.status()).as(res.toString()).isEqualTo(401);
        assertThat(res.header("www-authenticate")).isEqualTo("Bearer");
        assertThat(res.error()).isEqualTo("unauthorized");
        assertThat(res.json().get("message").asText()).isEqualTo("unauthorized");
    }

    private static List<JsonNode> auditItems(ApiClient api, String path) {
        ApiResult res = api.get(path);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        res.json().get("items").forEach(out::add);
        return out;
    }
}
