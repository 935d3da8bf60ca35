package dev.aman.cli;

import dev.aman.config.AmanConfig;
import dev.aman.config.ConfigLoader;
import dev.aman.config.ConfigSchema;
import dev.aman.config.HostPort;
import dev.aman.home.HomeDir;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The HTTP client of the client commands: resolves address, token and operator as FORMATS §3.2 says. */
final class DaemonClient {
    private final HttpClient http;
    private final String base;
    private final String token;
    private final String operator;
    private final boolean confirm;
    private final Duration timeout;

    /** The daemon could not be reached (exit 7). */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    record Response(int status, String body) {
    }

    private DaemonClient(String base, String token, String operator, boolean confirm, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.base = base;
        this.token = token;
        this.operator = operator;
        this.confirm = confirm;
        this.timeout = timeout;
    }

    static DaemonClient from(ClientOptions o, Map<String, String> env, Path userHome) {
        String addr = o.addr != null ? o.addr : env.get("AMAN_ADDR");
        String token = o.token != null ? o.token
                : env.get("AMAN_API_TOKEN") != null ? env.get("AMAN_API_TOKEN") : env.get("AMAN_HTTP_TOKEN");
        if (addr == null || token == null) {
            Path home = HomeDir.resolve(o.home, env, userHome);
            AmanConfig cfg = new ConfigLoader(ConfigSchema.standard(), env, userHome)
                    .load(home, new ConfigLoader.Flags(o.configFile, null, null)).config();
            if (addr == null) {
                HostPort bind = cfg.http().bind();
                String host = bind.host().equals("0.0.0.0") ? "127.0.0.1" : bind.host().equals("::") ? "::1" : bind.host();
                addr = new HostPort(host, bind.port()).toString();
            }
            if (token == null) {
                token = cfg.http().token();
            }
        }
        String base = addr.startsWith("http://") || addr.startsWith("https://") ? addr : "http://" + addr;
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        String operator = o.operator != null ? o.operator
                : env.get("AMAN_OPERATOR") != null ? env.get("AMAN_OPERATOR") : "cli:" + System.getProperty("user.name");
        return new DaemonClient(base, token, operator, o.yes, Duration.ofSeconds(Math.max(1, o.timeoutSec)));
    }

    Response get(String path) throws Unreachable, InterruptedException {
        return send(request(path).GET().build());
    }

    Response post(String path, String jsonBody) throws Unreachable, InterruptedException {
        return post(path, jsonBody, Map.of());
    }

    Response post(String path, String jsonBody, Map<String, String> headers) throws Unreachable, InterruptedException {
        HttpRequest.Builder b = request(path).header("content-type", "application/json");
        headers.forEach(b::header);
        return send(b.POST(HttpRequest.BodyPublishers.ofString(jsonBody)).build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("x-aman-operator", operator);
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        if (confirm) {
            b.header("x-aman-confirm", "yes");
        }
        return b;
    }

    private Response send(HttpRequest req) throws Unreachable, InterruptedException {
        try {
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            return new Response(res.statusCode(), res.body());
        } catch (IOException e) {
            throw new Unreachable("daemon unreachable at " + base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }
}
