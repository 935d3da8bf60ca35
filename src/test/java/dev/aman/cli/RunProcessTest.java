package dev.aman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.testing.ApiClient;
import dev.aman.testing.ApiResult;
import dev.aman.testing.DaemonProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code aman run} as a real child process: output, lifecycle, signals, exit codes (FORMATS §3.1, §3.4). */
class RunProcessTest {
    static final String TOKEN = "proc-test-token-0123456789";

    @RegisterExtension
    final DaemonProcess.Scope processes = new DaemonProcess.Scope();

    @TempDir
    Path home;

    private DaemonProcess startDaemon() {
        return processes.start(DaemonProcess.run(home).token(TOKEN));
    }

    @Test
    void stdout_carries_only_the_listening_line_with_the_real_port_and_logs_go_to_stderr() {
        DaemonProcess aman = startDaemon();
        Matcher line = aman.awaitListening(Duration.ofSeconds(60));
        assertThat(line.group(1)).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(line.group(2)).isEqualTo("http");
        assertThat(line.group(3)).isEqualTo("127.0.0.1");
        int port = Integer.parseInt(line.group(4));
        assertThat(port).isBetween(1, 65535);

        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .untilAsserted(() -> assertThat(aman.anonymous().get("/health/ready").status()).isEqualTo(200));
        assertThat(aman.api(TOKEN).get("/runtime/config").json().get("bind").asText()).isEqualTo("127.0.0.1:" + port);

        aman.sigterm();
        assertThat(aman.waitForExit(Duration.ofSeconds(20))).isZero();
        assertThat(aman.stdoutLines()).hasSize(1);
        assertThat(aman.stdoutLines().get(0)).matches(DaemonProcess.LISTENING);
        assertThat(aman.stderr()).contains("runtime ready");
    }

    @Test
    void confirmed_api_shutdown_answers_stopped_and_the_process_exits_0() {
        DaemonProcess aman = startDaemon().awaitReady();

        ApiResult res = aman.api(TOKEN).with("x-aman-confirm", "yes").post("/agent/shutdown", "{\"reason\": \"test\"}");
        long answeredAt = System.nanoTime();

        assertThat(res.status()).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(body.get("status").asText()).isEqualTo("stopped");
        assertThat(body.get("phase").asInt()).isZero();
        assertThat(body.get("drained").asBoolean()).isTrue();
        assertThat(body.get("pending_deliveries").asInt()).isZero();
        assertThat(body.get("drain_ms").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(aman.waitForExit(Duration.ofSeconds(5))).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - answeredAt)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void api_shutdown_without_confirmation_is_409_and_the_daemon_keeps_running() {
        DaemonProcess aman = startDaemon().awaitReady();

        ApiResult res = aman.api(TOKEN).post("/agent/shutdown");

        assertThat(res.status()).isEqualTo(409);
        assertThat(res.error()).isEqualTo("confirmation required");
        assertThat(aman.isAlive()).isTrue();
        assertThat(aman.anonymous().get("/health/ready").status()).isEqualTo(200);
    }

    @Test
    void sigterm_exits_0_and_leaves_a_system_audit_record_of_the_shutdown() {
        DaemonProcess first = startDaemon().awaitReady();
        first.sigterm();
        assertThat(first.waitForExit(Duration.ofSeconds(20))).isZero();

        DaemonProcess second = startDaemon().awaitReady();
        ApiResult audit = second.api(TOKEN).get("/audit-log?action=agent.shutdown");

        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.json().get("items")).hasSize(1);
        JsonNode record = audit.json().get("items").get(0);
        assertThat(record.get("action").asText()).isEqualTo("agent.shutdown");
        assertThat(record.get("operator").asText()).isEqualTo("system");
        assertThat(record.get("outcome").asText()).isEqualTo("ok");
    }

    @Test
    void a_second_daemon_on_the_same_home_exits_8_naming_the_lock_and_the_first_keeps_serving() {
        DaemonProcess first = startDaemon().awaitReady();

        DaemonProcess second = processes.start(DaemonProcess.run(home).token(TOKEN));
        assertThat(second.waitForExit(Duration.ofSeconds(60))).isEqualTo(8);

        assertThat(second.stdoutLines()).isEmpty();
        assertThat(second.stderrLines()).anySatisfy(l -> assertThat(l).containsIgnoringCase("lock"));
        assertThat(first.isAlive()).isTrue();
        assertThat(first.anonymous().get("/health/ready").status()).isEqualTo(200);
        assertThat(first.api(TOKEN).get("/runtime/status").json().get("phase").asInt()).isEqualTo(5);
    }

    @Test
    void a_bind_address_in_use_exits_8() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            DaemonProcess aman = processes.start(DaemonProcess.run(home).token(TOKEN)
                    .bind("127.0.0.1:" + taken.getLocalPort()));

            assertThat(aman.waitForExit(Duration.ofSeconds(60))).isEqualTo(8);
            assertThat(aman.stdoutLines()).isEmpty();
            assertThat(aman.stderr()).contains(Integer.toString(taken.getLocalPort()));
        }
    }

    @Test
    void no_start_stays_in_phase_0_until_agent_start() {
        DaemonProcess aman = processes.start(DaemonProcess.run(home).token(TOKEN).args("--no-start"));
        ApiClient api = aman.api(TOKEN);

        ApiResult ready = aman.anonymous().get("/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("reason").asText()).isEqualTo("not_started");
        assertThat(ready.json().get("phase").asInt()).isZero();
        JsonNode status = api.get("/runtime/status").json();
        assertThat(status.get("phase").asInt()).isZero();
        assertThat(status.get("lifecycle").asText()).isEqualTo("not_started");

        ApiResult started = api.post("/agent/start");

        assertThat(started.status()).isEqualTo(200);
        assertThat(started.json().get("phase").asInt()).isEqualTo(5);
        assertThat(aman.anonymous().get("/health/ready").status()).isEqualTo(200);
    }

    @Test
    void shutdown_in_phase_0_answers_drained_with_no_drain_time_and_exits_0() {
        DaemonProcess aman = processes.start(DaemonProcess.run(home).token(TOKEN).args("--no-start"));

        ApiResult res = aman.api(TOKEN).with("x-aman-confirm", "yes").post("/agent/shutdown");

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("status").asText()).isEqualTo("stopped");
        assertThat(res.json().get("drained").asBoolean()).isTrue();
        assertThat(res.json().get("drain_ms").asLong()).isZero();
        assertThat(aman.waitForExit(Duration.ofSeconds(5))).isZero();
    }

    @Test
    void development_mode_refuses_a_non_loopback_bind_with_exit_2_naming_http_token() {
        DaemonProcess aman = processes.start(DaemonProcess.run(home).bind("0.0.0.0:0"));

        assertThat(aman.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(aman.stdoutLines()).isEmpty();
        assertThat(aman.stderr()).contains("http.token");
    }

    @Test
    void development_mode_on_a_non_loopback_bind_starts_when_insecure_remote_is_allowed() throws IOException {
        Files.writeString(home.resolve("config.yaml"), "http:\n  allow_insecure_remote: true\n");
        DaemonProcess aman = processes.start(DaemonProcess.run(home).bind("0.0.0.0:0"));

        aman.awaitReady();

        JsonNode cfg = aman.anonymous().get("/runtime/config").json();
        assertThat(cfg.get("auth_mode").asText()).isEqualTo("dev");
        assertThat(cfg.get("allow_insecure_remote").asBoolean()).isTrue();
    }

    @Test
    void a_config_set_change_survives_a_restart_as_an_override() {
        DaemonProcess first = startDaemon().awaitReady();
        ApiResult set = first.api(TOKEN).with("x-aman-confirm", "yes")
                .post("/config/set", "{\"changes\": {\"event_bus.retry.max_attempts\": 5}}");
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        first.sigterm();
        assertThat(first.waitForExit(Duration.ofSeconds(20))).isZero();

        DaemonProcess second = startDaemon().awaitReady();
        JsonNode cfg = second.api(TOKEN).get("/runtime/config").json();

        assertThat(cfg.get("overrides")).extracting(JsonNode::asText).containsExactly("event_bus.retry.max_attempts");
        assertThat(cfg.get("config_revision").asInt()).isEqualTo(set.json().get("revision").asInt());
    }
}
