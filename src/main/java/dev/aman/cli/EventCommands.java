package dev.aman.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aman events push|recent|trace|dump|types} (FORMATS §3.2). */
final class EventCommands {
    private EventCommands() {
    }

    @Command(name = "events", description = "Publish and inspect events.", mixinStandardHelpOptions = true)
    static final class Group extends ClientCommands.Group {
    }

    @Command(name = "push", description = "Push an event; prints its id.", mixinStandardHelpOptions = true)
    static final class Push extends ClientCommands.Base {
        @Option(names = "--type", required = true, paramLabel = "T")
        String type;
        @Option(names = "--source", required = true, paramLabel = "S")
        String source;
        @Option(names = "--payload", paramLabel = "JSON")
        String payload;
        @Option(names = "--payload-file", paramLabel = "F")
        Path payloadFile;
        @Option(names = "--payload-stdin")
        boolean payloadStdin;
        @Option(names = "--priority", paramLabel = "P")
        String priority;
        @Option(names = "--delivery", paramLabel = "D")
        String delivery;
        @Option(names = "--ttl-ms", paramLabel = "N")
        Long ttlMs;
        @Option(names = "--agent", paramLabel = "ID")
        String agent;
        @Option(names = "--dedup-key", paramLabel = "K")
        String dedupKey;
        @Option(names = "--idempotency-key", paramLabel = "K")
        String idempotencyKey;

        Push(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
            ObjectNode body = Json.object();
            body.put("source", source).put("event_type", type);
            int sources = (payload != null ? 1 : 0) + (payloadFile != null ? 1 : 0) + (payloadStdin ? 1 : 0);
            if (sources > 1) {
                err.println("error: --payload, --payload-file and --payload-stdin are mutually exclusive");
                return ExitCodes.USAGE;
            }
            String text = payload;
            try {
                if (payloadFile != null) {
                    text = Files.readString(payloadFile);
                } else if (payloadStdin) {
                    text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                err.println("error: cannot read the payload: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
            try {
                body.set("payload", text == null ? Json.object() : Json.parse(text));
            } catch (IOException e) {
                err.println("error: the payload is not valid JSON");
                return ExitCodes.USAGE;
            }
            if (priority != null) {
                body.put("priority", priority);
            }
            if (delivery != null) {
                body.put("delivery", delivery);
            }
            if (ttlMs != null) {
                body.put("ttl_ms", ttlMs);
            }
            if (agent != null) {
                body.put("agent_id", agent);
            }
            if (dedupKey != null) {
                body.put("dedup_key", dedupKey);
            }
            DaemonClient.Response res = idempotencyKey == null ? client.post("/events/push", Json.write(body))
                    : client.post("/events/push", Json.write(body), Map.of("Idempotency-Key", idempotencyKey));
            if (res.status() != 200) {
                return fail(res);
            }
            if (options.json) {
                printJson(res.body());
            } else {
                JsonNode n = parse(res.body());
                out.println(n.get("id").asText() + (n.path("duplicate").asBoolean() ? " (duplicate)" : "")
                        + ("dropped".equals(n.path("status").asText()) ? " (dropped)" : ""));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "recent", description = "List recent events, newest first.", mixinStandardHelpOptions = true)
    static final class Recent extends ClientCommands.Base {
        @Option(names = "--limit", defaultValue = "50")
        int limit;

        Recent(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
            return render(client.get("/events/recent?limit=" + limit), body -> {
                for (JsonNode e : body.get("items")) {
                    out.println(Tables.time(e.get("timestamp_ms").asLong()) + "  " + e.get("id").asText() + "  "
                            + e.get("event_type").asText() + "  " + e.get("source").asText() + "  " + e.get("status").asText());
                }
            });
        }
    }

    @Command(name = "trace", description = "Show a trace as a tree by parent_event_id.", mixinStandardHelpOptions = true)
    static final class Trace extends ClientCommands.Base {
        @Parameters(paramLabel = "TRACE_ID")
        String traceId;

        Trace(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
            return render(client.get("/events/trace/" + enc(traceId) + "?limit=1000"),
                    body -> Tables.printTree(body.get("items"), out));
        }
    }

    @Command(name = "dump", description = "Show one stored event with its deliveries.", mixinStandardHelpOptions = true)
    static final class Dump extends ClientCommands.Base {
        @Parameters(paramLabel = "EVENT_ID")
        String eventId;

        Dump(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
            DaemonClient.Response res = client.get("/events/dump/" + enc(eventId));
            if (res.status() != 200) {
                return fail(res);
            }
            printJson(res.body());
            return ExitCodes.OK;
        }
    }

    @Command(name = "types", description = "List known event types.", mixinStandardHelpOptions = true)
    static final class Types extends ClientCommands.Base {
        Types(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
            return render(client.get("/events/types"), body -> {
                for (JsonNode t : body.get("items")) {
                    out.println(t.get("event_type").asText() + (t.get("builtin").asBoolean() ? "  builtin" : "")
                            + (t.get("reserved").asBoolean() ? "  reserved" : ""));
                }
            });
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static JsonNode parse(String body) {
        try {
            return Json.parse(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("daemon answered with invalid JSON", e);
        }
    }
}
