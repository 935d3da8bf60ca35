package dev.aman.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.config.ConfigException;
import dev.aman.json.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Client commands of the runtime area: {@code status}, {@code start}, {@code shutdown}. */
final class ClientCommands {
    private ClientCommands() {
    }

    /** A command that only groups subcommands: run alone, it is a usage error. */
    abstract static class Group implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
        }
    }

    /** Shared plumbing: build the client, map failures to exit codes, print errors. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        final Map<String, String> env;
        final Path userHome;
        final PrintStream out;
        final PrintStream err;

        Base(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            this.env = env;
            this.userHome = userHome;
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() throws InterruptedException {
            try {
                return run(DaemonClient.from(options, env, userHome));
            } catch (DaemonClient.Unreachable e) {
                err.println("error: " + e.getMessage());
                return ExitCodes.UNAVAILABLE;
            } catch (ConfigException e) {
                e.errors().forEach(l -> err.println("error: " + l));
                return ExitCodes.USAGE;
            }
        }

        abstract int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException;

        /** Destructive commands need {@code --yes}; without it they fail with exit 3 before any request. */
        boolean confirmed() {
            if (!options.yes) {
                err.println("error: confirmation required (pass --yes)");
            }
            return options.yes;
        }

        /** Prints an error response and returns its exit code. */
        int fail(DaemonClient.Response res) {
            err.println("error: " + errorText(res));
            return ExitCodes.forStatus(res.status());
        }

        /**
         * The common shape of a read command: an error answer becomes its exit code, {@code --json} prints
         * the body as received, otherwise {@code human} renders the parsed body.
         */
        int render(DaemonClient.Response res, java.util.function.Consumer<JsonNode> human) {
            if (res.status() != 200) {
                return fail(res);
            }
            if (options.json) {
                printJson(res.body());
            } else {
                human.accept(EventCommands.parse(res.body()));
            }
            return ExitCodes.OK;
        }

        void printJson(String body) {
            try {
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(Json.parse(body)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                out.println(body);
            }
        }

        static String errorText(DaemonClient.Response res) {
            try {
                JsonNode n = Json.parse(res.body());
                if (n != null && n.hasNonNull("error")) {
                    return n.get("error").asText();
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // not JSON: fall through
            }
            return "HTTP " + res.status();
        }
    }

    @Command(name = "status", description = "Show the runtime phase; exit 0 when ready, 7 otherwise.", mixinStandardHelpOptions = true)
    static final class Status extends Base {
        Status(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
            DaemonClient.Response status = client.get("/runtime/status");
            if (status.status() != 200) {
                return fail(status);
            }
            DaemonClient.Response ready = client.get("/health/ready");
            if (options.json) {
                printJson(status.body());
            } else {
                try {
                    JsonNode s = Json.parse(status.body());
                    out.println("phase " + s.get("phase").asInt() + " (" + s.get("phase_name").asText() + "), "
                            + s.get("lifecycle").asText() + (s.get("draining").asBoolean() ? ", draining" : "")
                            + ", version " + s.get("version").asText());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    out.println(status.body());
                }
            }
            return ready.status() == 200 ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
        }
    }

    @Command(name = "start", description = "Start the runtime (POST /agent/start).", mixinStandardHelpOptions = true)
    static final class Start extends Base {
        Start(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
            DaemonClient.Response res = client.post("/agent/start", "{}");
            if (res.status() != 200) {
                return fail(res);
            }
            printJson(res.body());
            return ExitCodes.OK;
        }
    }

    @Command(name = "shutdown", description = "Drain and stop the daemon (needs --yes).", mixinStandardHelpOptions = true)
    static final class Shutdown extends Base {
        Shutdown(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
            if (!confirmed()) {
                return ExitCodes.CONFLICT;
            }
            DaemonClient.Response res = client.post("/agent/shutdown", "{}");
            if (res.status() != 200) {
                return fail(res);
            }
            printJson(res.body());
            return ExitCodes.OK;
        }
    }
}
