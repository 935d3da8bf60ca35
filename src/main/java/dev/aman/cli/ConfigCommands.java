package dev.aman.cli;

import dev.aman.config.ConfigException;
import dev.aman.config.ConfigLoader;
import dev.aman.config.ConfigPrinter;
import dev.aman.config.ConfigSchema;
import dev.aman.home.HomeDir;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Local commands {@code aman config validate|show} (FORMATS §3.3); they never contact a daemon. */
final class ConfigCommands {
    private ConfigCommands() {
    }

    abstract static class Local implements Callable<Integer> {
        @Option(names = "--home", paramLabel = "DIR")
        String home;

        @Option(names = "--config", paramLabel = "FILE")
        Path configFile;

        final Map<String, String> env;
        final Path userHome;
        final PrintStream out;
        final PrintStream err;

        Local(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            this.env = env;
            this.userHome = userHome;
            this.out = out;
            this.err = err;
        }

        ConfigLoader.Loaded load() {
            Path h = HomeDir.resolve(home, env, userHome);
            return new ConfigLoader(ConfigSchema.standard(), env, userHome).load(h, new ConfigLoader.Flags(configFile, null, null));
        }
    }

    @Command(name = "validate", description = "Check the configuration as aman run would.", mixinStandardHelpOptions = true)
    static final class Validate extends Local {
        @Option(names = "--strict", description = "treat warnings as errors")
        boolean strict;

        Validate(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        public Integer call() {
            try {
                ConfigLoader.Loaded loaded = load();
                loaded.warnings().forEach(w -> out.println((strict ? "error: " : "warning: ") + w));
                if (strict && !loaded.warnings().isEmpty()) {
                    out.println("config INVALID");
                    return ExitCodes.USAGE;
                }
                out.println("config OK");
                return ExitCodes.OK;
            } catch (ConfigException e) {
                e.errors().forEach(l -> out.println("error: " + l));
                out.println("config INVALID");
                return ExitCodes.USAGE;
            }
        }
    }

    @Command(name = "show", description = "Print the effective configuration, secrets masked.", mixinStandardHelpOptions = true)
    static final class Show extends Local {
        Show(Map<String, String> env, Path userHome, PrintStream out, PrintStream err) {
            super(env, userHome, out, err);
        }

        @Override
        public Integer call() {
            try {
                out.print(ConfigPrinter.render(load().config()));
                return ExitCodes.OK;
            } catch (ConfigException e) {
                e.errors().forEach(l -> err.println("config error: " + l));
                return ExitCodes.USAGE;
            }
        }
    }
}
