package dev.aman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aman.testing.DaemonProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code aman --version}, usage errors, {@code aman status} and the local {@code aman config} commands (FORMATS §3). */
class CommandLineProcessTest {
    static final String TOKEN = "proc-test-token-0123456789";

    @RegisterExtension
    final DaemonProcess.Scope processes = new DaemonProcess.Scope();

    @TempDir
    Path home;

    private void config(String yaml) throws IOException {
        Files.writeString(home.resolve("config.yaml"), yaml);
    }

    @Test
    void version_prints_one_line_and_exits_0() {
        DaemonProcess aman = processes.exec(DaemonProcess.aman("--version"));

        assertThat(aman.exitCode()).isZero();
        assertThat(aman.stdoutLines()).singleElement().asString().matches("aman \\d+\\.\\d+\\.\\d+\\S*");
    }

    @Test
    void an_unknown_command_is_a_usage_error() {
        DaemonProcess aman = processes.exec(DaemonProcess.aman("frobnicate"));

        assertThat(aman.exitCode()).isEqualTo(2);
        assertThat(aman.stderr()).contains("frobnicate");
    }

    @Test
    void an_unknown_flag_is_a_usage_error_and_starts_nothing() {
        DaemonProcess aman = processes.exec(DaemonProcess.run(home).args("--frobnicate"));

        assertThat(aman.exitCode()).isEqualTo(2);
        assertThat(aman.stderr()).contains("--frobnicate");
        assertThat(aman.stdoutLines()).noneMatch(l -> l.contains("listening"));
    }

    @Test
    void status_prints_the_phase_and_exits_0_when_ready() {
        DaemonProcess daemon = processes.start(DaemonProcess.run(home).token(TOKEN)).awaitReady();

        DaemonProcess status = processes.exec(DaemonProcess.aman("status", "--addr", "127.0.0.1:" + daemon.port(),
                "--token", TOKEN));

        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.stdout()).contains("phase 5").contains("ready");
    }

    @Test
    void status_against_a_closed_port_exits_7() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }

        DaemonProcess status = processes.exec(DaemonProcess.aman("status", "--addr", "127.0.0.1:" + closed,
                "--token", TOKEN, "--timeout", "5"));

        assertThat(status.exitCode()).as(status.output()).isEqualTo(7);
        assertThat(status.stderrLines()).anySatisfy(l -> assertThat(l).startsWith("error: "));
    }

    @Test
    void status_with_a_wrong_token_exits_5() {
        DaemonProcess daemon = processes.start(DaemonProcess.run(home).token(TOKEN)).awaitReady();

        DaemonProcess status = processes.exec(DaemonProcess.aman("status", "--addr", "127.0.0.1:" + daemon.port(),
                "--token", "not-the-right-token"));

        assertThat(status.exitCode()).as(status.output()).isEqualTo(5);
        assertThat(status.stderr()).contains("unauthorized");
    }

    @Test
    void config_validate_accepts_a_valid_configuration() throws IOException {
        config("http:\n  bind: 127.0.0.1:9999\nlogging:\n  level: debug\n");

        DaemonProcess validate = processes.exec(DaemonProcess.aman("config", "validate", "--home", home.toString()));

        assertThat(validate.exitCode()).as(validate.output()).isZero();
        assertThat(validate.stdoutLines()).last().isEqualTo("config OK");
    }

    @Test
    void config_validate_lists_every_error_and_exits_2() throws IOException {
        config("http:\n  max_body_bytes: 12\nevent_bus:\n  retry:\n    max_attempts: 0\n");

        DaemonProcess validate = processes.exec(DaemonProcess.aman("config", "validate", "--home", home.toString()));

        assertThat(validate.exitCode()).isEqualTo(2);
        String all = validate.stdout() + "\n" + validate.stderr();
        assertThat(all).containsPattern("(?m)^error: http\\.max_body_bytes: .+$")
                .containsPattern("(?m)^error: event_bus\\.retry\\.max_attempts: .+$");
        assertThat(validate.stdoutLines()).last().isEqualTo("config INVALID");
    }

    @Test
    void config_validate_strict_turns_an_unknown_key_into_an_error() throws IOException {
        config("http:\n  no_such_knob: 1\n");

        DaemonProcess lenient = processes.exec(DaemonProcess.aman("config", "validate", "--home", home.toString()));
        DaemonProcess strict = processes.exec(DaemonProcess.aman("config", "validate", "--home", home.toString(),
                "--strict"));

        assertThat(lenient.exitCode()).isZero();
        assertThat(lenient.stdout()).contains("warning: unknown config key: http.no_such_knob");
        assertThat(strict.exitCode()).isEqualTo(2);
        assertThat(strict.stdout()).contains("http.no_such_knob");
        assertThat(strict.stdoutLines()).last().isEqualTo("config INVALID");
    }

    @Test
    void config_show_prints_yaml_with_the_token_masked_and_the_layer_of_each_non_default_key() throws IOException {
        config("http:\n  token: " + TOKEN + "\nlogging:\n  level: debug\n");

        DaemonProcess show = processes.exec(DaemonProcess.aman("config", "show", "--home", home.toString())
                .env("AMAN_HTTP_BIND", "127.0.0.1:9911"));

        assertThat(show.exitCode()).as(show.output()).isZero();
        assertThat(show.stdoutLines()).contains("http:");
        assertThat(show.stdout()).doesNotContain(TOKEN);
        assertThat(show.stdoutLines()).anySatisfy(l -> assertThat(l).matches("\\s+token: \"\\*\\*\\*\".*"));
        assertThat(show.stdoutLines()).anySatisfy(l -> assertThat(l)
                .matches("\\s+bind: \"?127\\.0\\.0\\.1:9911\"?\\s+# env AMAN_HTTP_BIND"));
    }
}
