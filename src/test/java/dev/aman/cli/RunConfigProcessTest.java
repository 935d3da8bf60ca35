package dev.aman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aman.testing.DaemonProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** How {@code aman run} treats bad configuration: exit 2 and one line per error (FORMATS §2.1–§2.6, §3.1). */
class RunConfigProcessTest {
    static final String TOKEN = "proc-test-token-0123456789";

    @RegisterExtension
    final DaemonProcess.Scope processes = new DaemonProcess.Scope();

    @TempDir
    Path home;

    private void config(String yaml) throws IOException {
        Files.writeString(home.resolve("config.yaml"), yaml);
    }

    private DaemonProcess runToExit(DaemonProcess.Launch launch) {
        DaemonProcess aman = processes.start(launch);
        aman.waitForExit(Duration.ofSeconds(60));
        return aman;
    }

    @Test
    void invalid_values_exit_2_with_one_config_error_line_per_key() throws IOException {
        config("http:\n  max_body_bytes: 12\nevent_bus:\n  retry:\n    max_attempts: 0\n");

        DaemonProcess aman = runToExit(DaemonProcess.run(home).token(TOKEN));

        assertThat(aman.exitCode()).isEqualTo(2);
        assertThat(aman.stdoutLines()).isEmpty();
        List<String> errors = aman.stderrLines().stream().filter(l -> l.startsWith("config error: ")).toList();
        assertThat(errors).hasSize(2);
        assertThat(errors).anySatisfy(l -> assertThat(l).matches("config error: http\\.max_body_bytes: .+"));
        assertThat(errors).anySatisfy(l -> assertThat(l).matches("config error: event_bus\\.retry\\.max_attempts: .+"));
    }

    @Test
    void an_unknown_key_only_warns_and_the_daemon_starts() throws IOException {
        config("http:\n  no_such_knob: 1\n");

        DaemonProcess aman = processes.start(DaemonProcess.run(home).token(TOKEN)).awaitReady();

        assertThat(aman.stderr()).contains("unknown config key: http.no_such_knob");
        assertThat(aman.stdoutLines()).hasSize(1);
    }

    @Test
    void a_missing_explicit_config_file_exits_2() {
        DaemonProcess aman = runToExit(DaemonProcess.run(home).token(TOKEN).args("--config", "/does/not/exist"));

        assertThat(aman.exitCode()).isEqualTo(2);
        assertThat(aman.stderr()).contains("/does/not/exist");
    }

    @Test
    void an_unset_placeholder_variable_exits_2_naming_the_variable() throws IOException {
        config("http:\n  token: \"${UNSET_PLACEHOLDER_VAR}\"\n");

        DaemonProcess aman = runToExit(DaemonProcess.run(home));

        assertThat(aman.exitCode()).isEqualTo(2);
        assertThat(aman.stderrLines()).anySatisfy(l -> assertThat(l)
                .isEqualTo("config error: http.token: environment variable UNSET_PLACEHOLDER_VAR is not set"));
    }

    @Test
    void an_environment_variable_with_a_bad_value_exits_2_naming_the_variable() {
        DaemonProcess aman = runToExit(DaemonProcess.run(home).token(TOKEN)
                .env("AMAN_EVENT_BUS_RETRY_MAX_ATTEMPTS", "many"));

        assertThat(aman.exitCode()).isEqualTo(2);
        assertThat(aman.stderrLines()).anySatisfy(l -> assertThat(l)
                .startsWith("config error: ").contains("AMAN_EVENT_BUS_RETRY_MAX_ATTEMPTS"));
    }

    @Test
    void a_too_short_token_exits_2_without_printing_it() {
        String shortToken = "Zq9xK";

        DaemonProcess aman = runToExit(DaemonProcess.run(home).token(shortToken));

        assertThat(aman.exitCode()).isEqualTo(2);
        assertThat(aman.stderrLines()).anySatisfy(l -> assertThat(l).startsWith("config error: http.token: "));
        assertThat(aman.stderr()).doesNotContain(shortToken);
        assertThat(aman.stdout()).doesNotContain(shortToken);
    }
}
