package dev.aman.http;

import dev.aman.audit.AuditLog;
import dev.aman.audit.AuditOutcome;
import dev.aman.config.ConfigService;
import dev.aman.config.HttpConfig;
import dev.aman.http.auth.Authenticator;
import dev.aman.http.auth.HostGuard;
import dev.aman.http.errors.ApiException;
import dev.aman.http.errors.ErrorMapper;
import dev.aman.http.idempotency.IdempotencyStore;
import dev.aman.json.Json;
import dev.aman.runtime.Lifecycle;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the order of checks of API.md §1.9 around every endpoint, and audits mutating requests exactly
 * once (§1.16). Route matching (step 1) happens earlier, in {@link HttpServer}'s before-handler, which
 * stores the match in the context.
 *
 * <p>Stateless per request; thread-safe.
 */
final class RequestPipeline {
    static final String MATCH_ATTR = "aman.match";
    static final String REQUEST_ID_ATTR = "aman.request_id";
    private static final Logger log = LoggerFactory.getLogger(RequestPipeline.class);

    private final ConfigService config;
    private final Authenticator authenticator;
    private final Lifecycle lifecycle;
    private final StorageAccess storage;
    private final ErrorMapper errors;
    private final Clock clock;
    private final io.micrometer.core.instrument.Counter replays;

    RequestPipeline(ConfigService config, Authenticator authenticator, Lifecycle lifecycle, StorageAccess storage,
                    ErrorMapper errors, Clock clock, io.micrometer.core.instrument.Counter replays) {
        this.replays = replays;
        this.config = config;
        this.authenticator = authenticator;
        this.lifecycle = lifecycle;
        this.storage = storage;
        this.errors = errors;
        this.clock = clock;
    }

    Handler wrap(RouteSpec spec, ApiHandler handler) {
        return ctx -> run(spec, handler, ctx);
    }

    private void run(RouteSpec spec, ApiHandler handler, Context ctx) {
        String requestId = (String) ctx.attribute(REQUEST_ID_ATTR);
        RouteTable.Found match = ctx.attribute(MATCH_ATTR);
        Map<String, String> params = match != null ? match.params() : Map.of();
        HttpConfig http = config.current().http();
        // steps 2–4: host/origin, authentication, body size — never audited
        checkHostAndOrigin(spec, ctx, http);
        boolean authenticated = checkAuth(spec, ctx);
        byte[] raw = spec.mutating() ? readBody(ctx, http.maxBodyBytes()) : new byte[0];
        String operator = operator(ctx.header("x-aman-operator"));
        ApiRequest request = new ApiRequest(ctx, spec, params, operator, requestId, raw, authenticated);
        String target = auditTarget(spec, params);
        boolean audited = spec.mutating() && spec.auditAction() != null;
        try {
            // step 5: confirmation
            if (spec.confirm() && !confirmed(ctx.header("x-aman-confirm"))) {
                throw ApiException.of(409, "confirmation required").auditAs(AuditOutcome.CONFIRM_REQUIRED);
            }
            // step 6: endpoint gate
            if (spec.gate() != null) {
                String refusal = spec.gate().check();
                if (refusal != null) {
                    throw ApiException.of(403, refusal).auditAs(AuditOutcome.FORBIDDEN);
                }
            }
        } catch (ApiException e) {
            ErrorMapper.Mapped m = errors.map(e);
            String detail = switch (e.getMessage()) {
                case "confirmation required" -> "";
                case "debug endpoints disabled" -> "force_enable_debug_endpoints=false";
                case "dev mode only" -> "auth_mode=token";
                default -> e.getMessage();
            };
            if (audited) {
                audit(spec, operator, target, m.auditOutcome(), detail, requestId);
            }
            send(ctx, m.status(), Json.write(m.body()), m.headers());
            return;
        }
        // step 7: readiness — not audited
        checkReadiness(spec);
        IdempotencyStore idem = null;
        String idemKey = null;
        try {
            if (spec.idempotent()) {
                request.body(); // step 8 precedes the idempotency lookup; other endpoints parse only what they read
            }
            handler.validate(request);
            if (spec.idempotent()) {
                idemKey = idempotencyKey(ctx.header("Idempotency-Key"));
                if (idemKey != null) {
                    idem = storage.idempotency();
                    String fingerprint = Json.sha256Hex(Json.canonical(request.body()));
                    long ttlMs = http.idempotencyTtlSec() * 1000;
                    IdempotencyStore.Begin begin = idem.begin(spec.method(), ctx.path(), idemKey, fingerprint, clock.millis(), ttlMs);
                    switch (begin) {
                        case IdempotencyStore.Replay r -> {
                            replays.increment();
                            ctx.header("idempotent-replay", "true");
                            send(ctx, r.status(), r.body(), Map.of());
                            return;
                        }
                        case IdempotencyStore.InProgress p -> throw ApiException.of(409, "operation in progress");
                        case IdempotencyStore.Reused u -> throw ApiException.of(409, "idempotency key reused");
                        case IdempotencyStore.Execute x -> {
                            // first request: go on
                        }
                    }
                }
            }
            ApiResponse response = handler.handle(request);
            if (response.body() instanceof ApiResponse.Streamer streamer) {
                streamer.stream(ctx);
                return;
            }
            if (response.body() instanceof ApiResponse.Text text) {
                response.headers().forEach(ctx::header);
                ctx.status(response.status()).contentType(text.contentType()).result(text.content());
                return;
            }
            String body = response.body() == null ? "{}" : Json.write(response.body());
            if (idem != null) {
                if (response.status() / 100 == 2) {
                    idem.complete(spec.method(), ctx.path(), idemKey, response.status(), body);
                } else {
                    idem.abandon(spec.method(), ctx.path(), idemKey);
                }
                idem = null;
            }
            if (audited && !request.auditHandled()) {
                String t = response.auditTarget() != null ? response.auditTarget() : target;
                audit(spec, operator, t, AuditOutcome.forStatus(response.status()), response.auditDetail(), requestId);
            }
            send(ctx, response.status(), body, response.headers());
        } catch (Exception e) {
            if (idem != null) {
                abandonQuietly(idem, spec, ctx.path(), idemKey);
            }
            ErrorMapper.Mapped m = errors.map(e);
            // 413 is never audited (API.md §1.16): also when the cap is the event payload's, found while validating
            if (audited && !request.auditHandled() && m.status() != 413) {
                audit(spec, operator, target, m.auditOutcome(), m.body().get("error").asText(), requestId);
            }
            send(ctx, m.status(), Json.write(m.body()), m.headers());
        }
    }

    private void checkHostAndOrigin(RouteSpec spec, Context ctx, HttpConfig http) {
        HostGuard guard = new HostGuard(http.bind(), http.allowedHosts(), http.corsOrigins());
        if (!guard.hostAllowed(ctx.header("Host"))) {
            throw ApiException.of(403, "host not allowed");
        }
        String origin = single(ctx, "Origin");
        if (spec.mutating() && (origin == AMBIGUOUS || !guard.originAllowed(origin))) {
            throw ApiException.of(403, "origin not allowed");
        }
    }

    private boolean checkAuth(RouteSpec spec, Context ctx) {
        String authorization = single(ctx, "Authorization");
        String amanToken = single(ctx, "x-aman-token");
        Authenticator.Verdict v = authorization == AMBIGUOUS || amanToken == AMBIGUOUS ? Authenticator.Verdict.INVALID
                : authenticator.check(authorization, amanToken);
        if (spec.publicRoute()) {
            if (spec.path().equals("/events/stream") && v == Authenticator.Verdict.INVALID) {
                // the stream is public, but an invalid token is never silently downgraded (API.md §21.1)
                throw ApiException.of(401, "unauthorized").header("www-authenticate", "Bearer");
            }
            return v == Authenticator.Verdict.AUTHENTICATED;
        }
        if (v != Authenticator.Verdict.AUTHENTICATED) {
            throw ApiException.of(401, "unauthorized").header("www-authenticate", "Bearer");
        }
        return true;
    }

    /** Reads the body up to the cap: Content-Length is checked first, chunked bodies while reading. */
    private static byte[] readBody(Context ctx, long max) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw ApiException.of(413, "payload too large");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] buf = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (buf.length > max) {
                throw ApiException.of(413, "payload too large");
            }
            return buf;
        } catch (IOException e) {
            throw ApiException.badRequest("request body could not be read");
        }
    }

    private void checkReadiness(RouteSpec spec) {
        boolean ok = switch (spec.readiness()) {
            case A -> true;
            case B -> lifecycle.phase().number() >= 1 && storage.audit() != null;
            case C -> lifecycle.ready();
        };
        if (!ok) {
            String error = lifecycle.draining() || lifecycle.finished() ? "draining" : "not ready";
            throw ApiException.of(503, error).header("retry-after", "1");
        }
    }

    private void audit(RouteSpec spec, String operator, String target, String outcome, String detail, String requestId) {
        AuditLog auditLog = storage.audit();
        if (auditLog == null) {
            log.atInfo().addKeyValue("action", spec.auditAction()).addKeyValue("outcome", outcome)
                    .log("storage closed; audit record only logged");
            return;
        }
        try {
            auditLog.write(operator, spec.auditAction(), target, outcome, detail, requestId);
        } catch (RuntimeException e) {
            log.atError().addKeyValue("action", spec.auditAction()).setCause(e).log("audit record could not be written");
        }
    }

    private static void abandonQuietly(IdempotencyStore idem, RouteSpec spec, String path, String key) {
        try {
            idem.abandon(spec.method(), path, key);
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("could not release idempotency key");
        }
    }

    static void send(Context ctx, int status, String body, Map<String, String> headers) {
        headers.forEach(ctx::header);
        ctx.status(status).contentType("application/json; charset=utf-8").result(body.getBytes(StandardCharsets.UTF_8));
    }

    static String auditTarget(RouteSpec spec, Map<String, String> params) {
        String t = spec.auditTarget();
        if (t == null) {
            return "";
        }
        for (Map.Entry<String, String> p : params.entrySet()) {
            String v = p.getValue();
            // ids are parsed case-insensitively and stored lower-case (API.md §1.11)
            t = t.replace("{" + p.getKey() + "}", dev.aman.ids.UuidV7.isUuid(v) ? v.toLowerCase(Locale.ROOT) : v);
        }
        return t;
    }

    /** Marks a header sent several times with different values: every credential presented must be valid. */
    private static final String AMBIGUOUS = new String("ambiguous");

    /** The header's value; {@link #AMBIGUOUS} when it was sent several times with different values. */
    @SuppressWarnings("StringEquality")
    static String single(Context ctx, String name) {
        var values = java.util.Collections.list(ctx.req().getHeaders(name));
        if (values.isEmpty()) {
            return null;
        }
        String first = values.get(0);
        return values.stream().allMatch(first::equals) ? first : AMBIGUOUS;
    }

    static boolean confirmed(String header) {
        return header != null && header.trim().toLowerCase(Locale.ROOT).equals("yes");
    }

    static String operator(String header) {
        if (header == null) {
            return "api";
        }
        header = utf8(header);
        String cleaned = header.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().trim();
        if (cleaned.codePointCount(0, cleaned.length()) > 128) {
            cleaned = cleaned.substring(0, cleaned.offsetByCodePoints(0, 128));
        }
        return cleaned.isEmpty() ? "api" : cleaned;
    }

    /** Jetty hands header bytes over as ISO-8859-1; a value that is valid UTF-8 is read as UTF-8. */
    static String utf8(String latin1) {
        byte[] raw = latin1.getBytes(StandardCharsets.ISO_8859_1);
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(raw)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return latin1;
        }
    }

    static String idempotencyKey(String header) {
        if (header == null) {
            return null;
        }
        if (header.isEmpty() || header.length() > 255 || !header.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ApiException.badRequest("Idempotency-Key must be 1–255 visible ASCII characters");
        }
        return header;
    }

}
