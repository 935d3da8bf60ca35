package dev.aman.cli;

import dev.aman.Daemon;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Builds the picocli command tree; {@link #execute} returns the exit code (only Main exits). */
public final class Cli {
    @Command(name = "aman", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
            description = "Self-hosted, event-driven agent runtime.")
    static final class Root implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"aman " + Daemon.VERSION};
        }
    }

    private Cli() {
    }

    public static int execute(String[] args, Map<String, String> env, Path userHome, PrintStream out, PrintStream err,
                              RunCommand.SignalInstaller signals) {
        CommandLine cmd = new CommandLine(new Root());
        cmd.addSubcommand(new RunCommand(env, userHome, out, err, signals));
        cmd.addSubcommand(new ClientCommands.Status(env, userHome, out, err));
        cmd.addSubcommand(new ClientCommands.Start(env, userHome, out, err));
        cmd.addSubcommand(new ClientCommands.Shutdown(env, userHome, out, err));
        CommandLine config = new CommandLine(new ConfigCommands.Validate(env, userHome, out, err));
        CommandLine configRoot = new CommandLine(new ConfigGroup());
        configRoot.addSubcommand(config);
        configRoot.addSubcommand(new ConfigCommands.Show(env, userHome, out, err));
        configRoot.addSubcommand(new ConfigSetCommand(env, userHome, out, err));
        cmd.addSubcommand(configRoot);
        CommandLine events = new CommandLine(new EventCommands.Group());
        events.addSubcommand(new EventCommands.Push(env, userHome, out, err));
        events.addSubcommand(new EventCommands.Recent(env, userHome, out, err));
        events.addSubcommand(new EventCommands.Trace(env, userHome, out, err));
        events.addSubcommand(new EventCommands.Dump(env, userHome, out, err));
        events.addSubcommand(new EventCommands.Types(env, userHome, out, err));
        cmd.addSubcommand(events);
        CommandLine dlq = new CommandLine(new DlqCommands.Group());
        dlq.addSubcommand(new DlqCommands.List(env, userHome, out, err));
        dlq.addSubcommand(new DlqCommands.Depth(env, userHome, out, err));
        dlq.addSubcommand(new DlqCommands.Retry(env, userHome, out, err));
        dlq.addSubcommand(new DlqCommands.Discard(env, userHome, out, err));
        cmd.addSubcommand(dlq);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return ExitCodes.FAILURE;
        });
        return cmd.execute(args);
    }

    @Command(name = "config", description = "Validate, show or set the configuration.", mixinStandardHelpOptions = true)
    static final class ConfigGroup extends ClientCommands.Group {
    }
}
