package dev.aman.http;

import dev.aman.config.ConfigService;
import dev.aman.config.HttpConfig;
import dev.aman.http.auth.Authenticator;
import dev.aman.http.auth.HostGuard;
import dev.aman.http.errors.ApiException;
import dev.aman.http.errors.ErrorMapper;
import dev.aman.ids.UuidV7;
import dev.aman.json.Json;
import dev.aman.runtime.Lifecycle;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener: Javalin on Jetty with virtual threads. Every request first gets its
 * {@code x-request-id} and is matched against the {@link RouteTable} (API.md §1.9 step 1); the rest of the
 * checks run in {@link RequestPipeline}. Owns the Javalin instance: {@link #start()} / {@link #stop()}.
 */
public final class HttpServer {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final String ROUTE_ATTR = "aman.route";

    private final ConfigService config;
    private final RouteTable table = new RouteTable();
    private final RequestPipeline pipeline;
    private final ErrorMapper errors = new ErrorMapper();
    private final UuidV7 ids;
    private final MeterRegistry metrics;
    private final List<Runnable> registrations = new ArrayList<>();
    private Javalin app;

    /** The address could not be bound (exit code 8 at start). */
    public static final class BindFailed extends dev.aman.AmanException {
        public BindFailed(String address, Throwable cause) {
            super("cannot listen on " + address + ": " + cause.getMessage(), cause);
        }
    }

    public HttpServer(ConfigService config, Lifecycle lifecycle, StorageAccess storage, UuidV7 ids, Clock clock,
                      MeterRegistry metrics, List<Routes> routes) {
        this.config = config;
        this.ids = ids;
        this.metrics = metrics;
        this.pipeline = new RequestPipeline(config, new Authenticator(config.current().http().token()), lifecycle,
                storage, errors, clock, metrics.counter("aman_idempotency_replays"));
        Routes.Registrar registrar = (spec, handler) -> {
            table.add(spec);
            registrations.add(() -> {
                app.addHttpHandler(HandlerType.valueOf(spec.method()), toJavalinPath(spec.path()), pipeline.wrap(spec, handler));
                if (spec.method().equals("GET") && !spec.path().equals("/events/stream")) {
                    // HEAD runs the same checks and handler as GET; Jetty sends no body
                    app.addHttpHandler(HandlerType.HEAD, toJavalinPath(spec.path()), pipeline.wrap(spec, handler));
                }
            });
        };
        routes.forEach(r -> r.register(registrar));
    }

    /** Binds and starts serving. */
    public void start() {
        HttpConfig http = config.current().http();
        app = Javalin.create(cfg -> {
            cfg.useVirtualThreads = true;
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            // bodies are read and capped by RequestPipeline itself (413 rules of API.md §1.7)
            cfg.http.maxRequestSize = Long.MAX_VALUE;
            cfg.http.prefer405over404 = false;
            cfg.jetty.defaultHost = http.bind().host();
            cfg.jetty.defaultPort = http.bind().port();
            if (http.tls()) {
                var ssl = TlsContext.load(java.nio.file.Path.of(http.tlsCertFile()), java.nio.file.Path.of(http.tlsKeyFile()));
                cfg.jetty.addConnector((server, httpConfig) -> {
                    httpConfig.addCustomizer(new org.eclipse.jetty.server.SecureRequestCustomizer(false));
                    var connector = new ServerConnector(server, ssl, new org.eclipse.jetty.server.HttpConnectionFactory(httpConfig));
                    connector.setHost(http.bind().host());
                    connector.setPort(http.bind().port());
                    return connector;
                });
            }
            cfg.jetty.modifyHttpConfiguration(hc -> {
                // raw paths reach RouteTable, which answers 404 for encoded separators and dot segments
                hc.setUriCompliance(UriCompliance.UNSAFE);
                hc.setSendServerVersion(false);
            });
            // requests Jetty refuses before routing (e.g. %00 in the path) get a JSON body too (API.md §1.8)
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonBadMessageHandler(ids)));
            cfg.requestLogger.http(this::recordMetrics);
        });
        app.before(this::matchRoute);
        app.exception(Exception.class, (e, ctx) -> {
            ErrorMapper.Mapped m = errors.map(e);
            RequestPipeline.send(ctx, m.status(), Json.write(m.body()), m.headers());
        });
        app.error(404, ctx -> {
            if (ctx.attribute(RequestPipeline.MATCH_ATTR) == null && ctx.result() == null) {
                RequestPipeline.send(ctx, 404, errorBody("not found"), Map.of());
            }
        });
        registrations.forEach(Runnable::run);
        try {
            app.start();
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && !(root instanceof BindException)) {
                root = root.getCause();
            }
            if (root instanceof BindException || String.valueOf(e.getMessage()).contains("Failed to bind")) {
                throw new BindFailed(http.bind().toString(), root);
            }
            throw e;
        }
    }

    /** The address actually bound (the real port when the configured one was 0). */
    public InetSocketAddress address() {
        var connector = (ServerConnector) app.jettyServer().server().getConnectors()[0];
        String host = config.current().http().bind().host();
        return new InetSocketAddress(host, connector.getLocalPort());
    }

    public void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private void matchRoute(Context ctx) {
        String requestId = requestId(ctx.header("x-request-id"));
        ctx.attribute(RequestPipeline.REQUEST_ID_ATTR, requestId);
        ctx.header("x-request-id", requestId);
        HttpConfig http = config.current().http();
        String origin = ctx.header("Origin");
        HostGuard guard = new HostGuard(http.bind(), http.allowedHosts(), http.corsOrigins());
        if (guard.corsAllowed(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
        }
        String method = ctx.method().name();
        String rawPath = ctx.req().getRequestURI();
        if (method.equals("OPTIONS") && guard.corsAllowed(origin)) {
            ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE");
            ctx.header("Access-Control-Allow-Headers",
                    "Authorization, Content-Type, x-aman-token, x-aman-confirm, x-aman-operator, Idempotency-Key, Last-Event-ID, x-request-id");
            ctx.header("Access-Control-Max-Age", "600");
            ctx.status(204);
            ctx.skipRemainingHandlers();
            return;
        }
        switch (table.match(method, rawPath)) {
            case RouteTable.Found f -> {
                ctx.attribute(RequestPipeline.MATCH_ATTR, f);
                ctx.attribute(ROUTE_ATTR, f.spec().path());
            }
            case RouteTable.WrongMethod w -> throw ApiException.of(405, "method not allowed").header("allow", w.allow());
            case RouteTable.NoRoute n -> throw ApiException.of(404, "not found");
        }
    }

    private void recordMetrics(Context ctx, Float ms) {
        String route = ctx.attribute(ROUTE_ATTR);
        String r = route == null ? "unmatched" : route;
        String method = ctx.method().name();
        metrics.counter("aman_http_requests", "method", method, "route", r, "status", Integer.toString(ctx.statusCode()))
                .increment();
        Timer.builder("aman_http_request_duration").tags("method", method, "route", r)
                .serviceLevelObjectives(SLOS).register(metrics)
                .record(Duration.ofNanos((long) (ms * 1_000_000)));
        log.atDebug().addKeyValue("method", method).addKeyValue("route", r).addKeyValue("status", ctx.statusCode())
                .addKeyValue("ms", ms).log("request");
    }

    private static final Duration[] SLOS = java.util.stream.DoubleStream
            .of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
            .mapToObj(s -> Duration.ofNanos((long) (s * 1e9))).toArray(Duration[]::new);

    private String requestId(String given) {
        if (given != null && !given.isEmpty() && given.length() <= 128 && given.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return given;
        }
        return ids.next();
    }

    private static String errorBody(String error) {
        return Json.write(Map.of("error", error, "message", error));
    }

    /** {@code /skill/{name}} is already Javalin's syntax; kept as a seam should the two ever differ. */
    private static String toJavalinPath(String path) {
        return path;
    }
}
