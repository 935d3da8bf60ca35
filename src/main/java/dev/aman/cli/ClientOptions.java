package dev.aman.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Common options of client commands (FORMATS §3.2); a picocli mixin. */
public final class ClientOptions {
    @Option(names = "--addr", paramLabel = "ADDR", description = "HOST:PORT or http(s)://HOST:PORT of the daemon")
    String addr;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API token (default: $AMAN_API_TOKEN, then http.token)")
    String token;

    @Option(names = "--home", paramLabel = "DIR", description = "home used to find the defaults")
    String home;

    @Option(names = "--config", paramLabel = "FILE", description = "config file used to find the defaults")
    Path configFile;

    @Option(names = "--operator", paramLabel = "NAME", description = "sent as x-aman-operator")
    String operator;

    @Option(names = {"--yes", "-y"}, description = "confirm a destructive command")
    boolean yes;

    @Option(names = "--json", description = "print the response body as received")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SEC", description = "per request (default 30)")
    int timeoutSec = 30;
}
