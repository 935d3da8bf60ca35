package dev.aman.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.config.YamlReader;
import dev.aman.json.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aman config set KEY=VALUE… --yes [--expected-revision N]} (FORMATS §3.2). */
@Command(name = "set", description = "Change hot configuration keys at runtime (needs --yes).", mixinStandardHelpOptions = true)
final class ConfigSetCommand extends ClientCommands.Base {
    @Parameters(paramLabel = "KEY=VALUE", arity = "1..*", description = "VALUE is a YAML flow value; KEY=null removes an override")
    List<String> assignments;

    @Option(names = "--expected-revision", paramLabel = "N")
    Long expectedRevision;

    ConfigSetCommand(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
        super(env, userHome, out, err);
    }

    @Override
    int run(DaemonClient client) throws DaemonClient.Unreachable, InterruptedException {
        if (!confirmed()) {
            return ExitCodes.CONFLICT;
        }
        ObjectNode body = Json.object();
        ObjectNode changes = body.putObject("changes");
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                err.println("error: expected KEY=VALUE, got " + a);
                return ExitCodes.USAGE;
            }
            try {
                Object value = YamlReader.parse(a.substring(eq + 1));
                changes.set(a.substring(0, eq), Json.mapper().valueToTree(value));
            } catch (YamlReader.YamlException e) {
                err.println("error: " + a.substring(0, eq) + ": " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        if (expectedRevision != null) {
            body.put("expected_revision", expectedRevision);
        }
        DaemonClient.Response res = client.post("/config/set", Json.write(body));
        if (res.status() != 200) {
            return fail(res);
        }
        printJson(res.body());
        return ExitCodes.OK;
    }
}
