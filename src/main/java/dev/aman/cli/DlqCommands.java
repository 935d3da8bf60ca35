package dev.aman.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.json.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aman dlq list|depth|retry|discard} (FORMATS §3.2). */
final class DlqCommands {
    private DlqCommands() {
    }

    @Command(name = "dlq", description = "Inspect and resolve dead-lettered deliveries.", mixinStandardHelpOptions = true)
    static final class Group extends ClientCommands.Group {
    }

    @Command(name = "list", description = "List DLQ entries, oldest first.", mixinStandardHelpOptions = true)
    static final class List extends ClientCommands.Base {
        @Option(names = "--reason")
        String reason;
        @Option(names = "--source")
        String source;
        @Option(names = "--type")
        String type;
        @Option(names = "--limit", defaultValue = "100")
        int limit;
        @Option(names = "--cursor")
        String cursor;
        @Option(names = "--all", description = "follow next_cursor to the end")
        boolean all;

        List(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
            String next = cursor;
            do {
                StringBuilder q = new StringBuilder("/dlq?limit=" + limit);
                if (reason != null) {
                    q.append("&reason=").append(EventCommands.enc(reason));
                }
                if (source != null) {
                    q.append("&source=").append(EventCommands.enc(source));
                }
                if (type != null) {
                    q.append("&event_type=").append(EventCommands.enc(type));
                }
                if (next != null) {
                    q.append("&cursor=").append(EventCommands.enc(next));
                }
                DaemonClient.Response res = client.get(q.toString());
                if (res.status() != 200) {
                    return fail(res);
                }
                JsonNode body = EventCommands.parse(res.body());
                if (options.json) {
                    printJson(res.body());
                } else {
                    for (JsonNode e : body.get("items")) {
                        out.println(Tables.time(e.get("enqueued_at_ms").asLong()) + "  " + e.get("id").asText() + "  "
                                + e.get("handler").asText() + "  " + e.get("event").get("event_type").asText() + "  "
                                + e.get("reason").asText() + "  " + e.get("last_error").asText());
                    }
                }
                next = body.path("next_cursor").isNull() ? null : body.path("next_cursor").asText(null);
                if (!all && next != null && !options.json) {
                    out.println("next cursor: " + next);
                }
            } while (all && next != null);
            return ExitCodes.OK;
        }
    }

    @Command(name = "depth", description = "Number of DLQ entries.", mixinStandardHelpOptions = true)
    static final class Depth extends ClientCommands.Base {
        Depth(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
            return render(client.get("/dlq/depth"), body -> out.println(body.get("depth").asLong()));
        }
    }

    @Command(name = "retry", description = "Re-deliver an entry to its handler (needs --yes).", mixinStandardHelpOptions = true)
    static final class Retry extends ClientCommands.Base {
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--reason")
        String reason;

        Retry(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
            if (!confirmed()) {
                return ExitCodes.CONFLICT;
            }
            ObjectNode body = Json.object();
            if (reason != null) {
                body.put("reason", reason);
            }
            DaemonClient.Response res = client.post("/dlq/" + EventCommands.enc(id) + "/retry", Json.write(body));
            if (res.status() != 200) {
                return fail(res);
            }
            if (options.json) {
                printJson(res.body());
            } else {
                out.println(EventCommands.parse(res.body()).get("new_event_id").asText());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "discard", description = "Remove an entry.", mixinStandardHelpOptions = true)
    static final class Discard extends ClientCommands.Base {
        @Parameters(paramLabel = "ID")
        String id;

        Discard(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
            DaemonClient.Response res = client.post("/dlq/" + EventCommands.enc(id) + "/discard", "{}");
            if (res.status() != 200) {
                return fail(res);
            }
            printJson(res.body());
            return ExitCodes.OK;
        }
    }
}
