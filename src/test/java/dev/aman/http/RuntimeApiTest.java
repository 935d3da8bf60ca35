package dev.aman.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aman.testing.Aman;
import dev.aman.testing.AmanTest;
import dev.aman.testing.ApiResult;

class RuntimeApiTest {

    @AmanTest
    void ready_daemon_reports_phase_5_on_every_health_endpoint(Aman aman) {
        ApiResult ready = aman.anonymous().get("/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("phase").asInt()).isEqualTo(5);
        assertThat(ready.json().get("degraded").isArray()).isTrue();
        assertThat(aman.anonymous().get("/health").body()).isEqualTo(ready.body());
        assertThat(aman.anonymous().get("/health/live").json().get("status").asText()).isEqualTo("ok");
    }

    @AmanTest
    void runtime_status_has_the_shape_of_the_spec(Aman aman) {
        var status = aman.api().get("/runtime/status").json();
        assertThat(status.get("phase").asInt()).isEqualTo(5);
        assertThat(status.get("phase_name").asText()).isEqualTo("ready");
        assertThat(status.get("lifecycle").asText()).isEqualTo("ready");
        assertThat(status.get("ready").asBoolean()).isTrue();
        assertThat(status.get("live").asBoolean()).isTrue();
        assertThat(status.get("draining").asBoolean()).isFalse();
        assertThat(status.get("ready_at_ms").asLong()).isGreaterThanOrEqualTo(status.get("started_at_ms").asLong());
        assertThat(status.get("version").asText()).isNotBlank();
    }

    @AmanTest
    void runtime_config_reports_backend_and_never_secrets(Aman aman) {
        ApiResult res = aman.api().get("/runtime/config");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("storage_backend").asText())
                .isEqualTo(aman.backend().label().equals("sqlite") ? "sqlite" : "postgresql");
        assertThat(res.json().get("auth_mode").asText()).isEqualTo("token");
        assertThat(res.json().get("bind").asText()).isEqualTo("127.0.0.1:" + aman.port());
        assertThat(res.body()).doesNotContain(Aman.TOKEN).doesNotContain("jdbc:");
    }
}
