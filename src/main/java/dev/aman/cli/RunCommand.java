package dev.aman.cli;

import dev.aman.Daemon;
import dev.aman.config.ConfigException;
import dev.aman.config.HttpConfig;
import dev.aman.config.SecretRedactor;
import dev.aman.home.HomeLock;
import dev.aman.logging.LogSetup;
import dev.aman.runtime.StartupException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aman run} (FORMATS §3.1). */
@Command(name = "run", description = "Run the daemon in the foreground.", mixinStandardHelpOptions = true)
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--home", paramLabel = "DIR", description = "home directory (default: $AMAN_HOME or ~/.aman)")
    String home;

    @Option(names = "--config", paramLabel = "FILE", description = "config file instead of <home>/config.yaml")
    Path configFile;

    @Option(names = "--bind", paramLabel = "HOST:PORT", description = "overrides http.bind")
    String bind;

    @Option(names = "--token", paramLabel = "TOKEN", description = "overrides http.token (prefer AMAN_API_TOKEN)")
    String token;

    @Option(names = "--no-start", description = "serve HTTP but stay in phase 0 until POST /agent/start")
    boolean noStart;

    private final Map<String, String> env;
    private final Path userHome;
    private final PrintStream out;
    private final PrintStream err;
    private final SignalInstaller signals;

    /** Installs TERM/INT/HUP handlers; the launcher passes the real one. */
    @FunctionalInterface
    public interface SignalInstaller {
        void install(Daemon daemon, AtomicInteger exitCode);
    }

    public RunCommand(Map<String, String> env, Path userHome, PrintStream out, PrintStream err, SignalInstaller signals) {
        this.env = env;
        this.userHome = userHome;
        this.out = out;
        this.err = err;
        this.signals = signals;
    }

    @Override
    public Integer call() throws InterruptedException {
        Daemon daemon;
        try {
            daemon = Daemon.prepare(new Daemon.Options(home, configFile, bind, token), env, userHome, Clock.systemUTC());
        } catch (HomeLock.Held e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.RESOURCE_CONFLICT;
        } catch (ConfigException e) {
            e.errors().forEach(line -> err.println("config error: " + line));
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("error: cannot prepare home directory: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        try (daemon) {
            HttpConfig http = daemon.config().http();
            if (http.devMode() && !http.bind().isLoopback() && !http.allowInsecureRemote()) {
                err.println("config error: http.token: must be set when http.bind (" + http.bind()
                        + ") is not a loopback address (or set http.allow_insecure_remote: true)");
                return ExitCodes.USAGE;
            }
            LogSetup.configure(daemon.config().logging(), SecretRedactor.forConfig(daemon.config(), env));
            daemon.configService().onChange(c -> LogSetup.setLevel(c.logging().level()));
            Logger log = LoggerFactory.getLogger(RunCommand.class);
            daemon.warnings().forEach(w -> log.warn(w));
            if (http.devMode()) {
                log.warn("no http.token configured: development mode, every request is treated as authenticated");
            }
            InetSocketAddress address;
            try {
                address = daemon.listen();
            } catch (Daemon.ListenFailed e) {
                err.println("error: " + e.getMessage());
                return ExitCodes.RESOURCE_CONFLICT;
            }
            String scheme = http.tls() ? "https" : "http";
            String host = http.bind().hostForUrl();
            out.println("aman " + Daemon.VERSION + " listening on " + scheme + "://" + host + ":" + address.getPort());
            out.flush();
            AtomicInteger exitCode = new AtomicInteger(ExitCodes.OK);
            signals.install(daemon, exitCode);
            if (!noStart) {
                try {
                    daemon.startRuntime();
                } catch (StartupException e) {
                    if (e.kind() == StartupException.Kind.FAILED) {
                        log.error(e.getMessage());
                        err.println("error: " + e.getMessage());
                        return ExitCodes.FAILURE;
                    }
                    // interrupted by a shutdown: fall through and wait for it to finish
                }
            }
            daemon.awaitStop();
            return exitCode.get();
        }
    }
}
