package dev.aman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aman.testing.DaemonProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code aman events …}, {@code aman dlq …} and {@code aman config set} against a real daemon (FORMATS §3.2). */
class EventsCliProcessTest {
    static final String TOKEN = "events-cli-token-0123456789";

    @RegisterExtension
    final DaemonProcess.Scope processes = new DaemonProcess.Scope();

    @TempDir
    Path home;

    private DaemonProcess cli(DaemonProcess daemon, String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--addr";
        all[args.length + 1] = "127.0.0.1:" + daemon.port();
        all[args.length + 2] = "--token";
        all[args.length + 3] = TOKEN;
        return processes.exec(DaemonProcess.aman(all));
    }

    @Test
    void events_push_prints_the_id_and_recent_dump_trace_and_types_show_it() {
        DaemonProcess daemon = processes.start(DaemonProcess.run(home).token(TOKEN)).awaitReady();

        DaemonProcess push = cli(daemon, "events", "push", "--type", "demo.cli", "--source", "cli",
                "--payload", "{\"n\":1}", "--delivery", "exactly_once", "--dedup-key", "cli-1");
        assertThat(push.exitCode()).isZero();
        String id = push.stdoutLines().get(0).trim();
        assertThat(id).matches("[0-9a-f-]{36}");

        DaemonProcess again = cli(daemon, "events", "push", "--type", "demo.cli", "--source", "cli",
                "--payload", "{\"n\":1}", "--delivery", "exactly_once", "--dedup-key", "cli-1");
        assertThat(again.stdout()).contains(id).contains("duplicate");

        assertThat(cli(daemon, "events", "recent", "--limit", "5").stdout()).contains(id).contains("demo.cli");
        DaemonProcess dump = cli(daemon, "events", "dump", id);
        assertThat(dump.exitCode()).isZero();
        assertThat(dump.stdout()).contains("\"event_type\" : \"demo.cli\"");
        String trace = dump.stdout().replaceAll("(?s).*\"trace_id\" : \"([^\"]+)\".*", "$1");
        assertThat(cli(daemon, "events", "trace", trace).stdout()).contains("demo.cli").contains(id);
        assertThat(cli(daemon, "events", "types").stdout()).contains("demo.cli").contains("cron_tick  builtin  reserved");
    }

    @Test
    void invalid_push_and_unknown_event_map_to_exit_codes() {
        DaemonProcess daemon = processes.start(DaemonProcess.run(home).token(TOKEN)).awaitReady();

        DaemonProcess reserved = cli(daemon, "events", "push", "--type", "cron_tick", "--source", "cli");
        assertThat(reserved.exitCode()).isEqualTo(6);
        assertThat(reserved.stderr()).contains("error: invalid request: event_type is reserved");

        DaemonProcess missing = cli(daemon, "events", "dump", "01a23d05-298f-73d3-b19e-b93045f7e337");
        assertThat(missing.exitCode()).isEqualTo(4);
    }

    @Test
    void dlq_commands_and_config_set_need_confirmation_where_the_spec_says() throws Exception {
        DaemonProcess daemon = processes.start(DaemonProcess.run(home).token(TOKEN)).awaitReady();

        DaemonProcess depth = cli(daemon, "dlq", "depth");
        assertThat(depth.exitCode()).isZero();
        assertThat(depth.stdoutLines()).containsExactly("0");
        assertThat(cli(daemon, "dlq", "list", "--all").exitCode()).isZero();
        assertThat(cli(daemon, "dlq", "retry", "01a23d05-298f-73d3-b19e-b93045f7e337").exitCode()).isEqualTo(3);
        assertThat(cli(daemon, "dlq", "retry", "01a23d05-298f-73d3-b19e-b93045f7e337", "--yes").exitCode()).isEqualTo(4);
        assertThat(cli(daemon, "dlq", "discard", "01a23d05-298f-73d3-b19e-b93045f7e337").exitCode()).isEqualTo(4);

        assertThat(cli(daemon, "config", "set", "llm.max_turns=20").exitCode()).isEqualTo(3);
        DaemonProcess set = cli(daemon, "config", "set", "llm.max_turns=20", "event_bus.retry.max_attempts=5", "--yes");
        assertThat(set.exitCode()).isZero();
        assertThat(set.stdout()).contains("\"revision\" : 1");
        assertThat(cli(daemon, "config", "set", "http.bind=127.0.0.1:1", "--yes").exitCode()).isEqualTo(6);
        assertThat(Files.readString(home.resolve("data/config.override.yaml"))).contains("max_turns: 20");
    }
}
