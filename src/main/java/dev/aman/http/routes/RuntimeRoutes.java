package dev.aman.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.config.ConfigService;
import dev.aman.config.AmanConfig;
import dev.aman.http.ApiResponse;
import dev.aman.http.Readiness;
import dev.aman.http.RouteSpec;
import dev.aman.http.Routes;
import dev.aman.http.errors.ApiException;
import dev.aman.json.Json;
import dev.aman.runtime.Lifecycle;
import dev.aman.runtime.ShutdownResult;
import dev.aman.runtime.StartupException;
import java.util.concurrent.ExecutionException;

/** Runtime control (API.md §5): start, shutdown, status, effective configuration. */
public final class RuntimeRoutes implements Routes {
    private final Lifecycle lifecycle;
    private final ConfigService config;
    private final ShutdownAction shutdown;
    private final String version;
    private final java.util.function.Supplier<String> boundAddress;

    /** Performs the shutdown sequence and writes the audit record before storage closes. */
    @FunctionalInterface
    public interface ShutdownAction {
        ShutdownResult shutdown(String reason, String operator, String requestId) throws InterruptedException;
    }

    /** @param boundAddress the address actually listened on ({@code HOST:PORT}, real port when 0 was asked) */
    public RuntimeRoutes(Lifecycle lifecycle, ConfigService config, ShutdownAction shutdown, String version,
                         java.util.function.Supplier<String> boundAddress) {
        this.lifecycle = lifecycle;
        this.config = config;
        this.shutdown = shutdown;
        this.version = version;
        this.boundAddress = boundAddress;
    }

    @Override
    public void register(Registrar r) {
        r.add(RouteSpec.post("/agent/start", Readiness.A, "agent.start", "runtime"), req -> start());
        r.add(RouteSpec.post("/agent/shutdown", Readiness.A, "agent.shutdown", "runtime").confirmed(), req -> {
            String reason = reason(req.body().get("reason"));
            req.markAuditHandled();
            ShutdownResult result = shutdown.shutdown(reason, req.operator(), req.requestId());
            return ApiResponse.ok(result);
        });
        r.add(RouteSpec.get("/runtime/status", Readiness.A), req -> ApiResponse.ok(lifecycle.status()));
        r.add(RouteSpec.get("/runtime/config", Readiness.A), req -> ApiResponse.ok(runtimeConfig()));
    }

    private ApiResponse start() throws InterruptedException {
        try {
            Lifecycle.StartOutcome outcome = lifecycle.start().get();
            String detail = outcome.unchanged() ? "unchanged"
                    : "phase " + outcome.fromPhase() + " → 5 in " + outcome.durationMs() + " ms";
            return ApiResponse.ok(lifecycle.status()).audit(detail);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StartupException s) {
                throw s;
            }
            throw new IllegalStateException("start failed", e.getCause());
        }
    }

    private static String reason(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest("reason must be a string").with("field", "reason");
        }
        if (node.asText().length() > 200) {
            throw ApiException.badRequest("reason must be at most 200 characters").with("field", "reason");
        }
        return node.asText();
    }

    private ObjectNode runtimeConfig() {
        AmanConfig c = config.current();
        ObjectNode out = Json.object();
        out.put("version", version);
        out.put("node_id", c.storage().nodeId());
        out.put("bind", boundAddress.get());
        out.put("tls", c.http().tls());
        out.put("home", c.home().toString());
        out.put("config_file", c.configFile() == null ? null : c.configFile().toString());
        out.put("runtime_dir", c.dataDir().toString());
        out.put("skills_dir", c.string("skills.dir"));
        out.put("workflows_dir", c.string("workflows.dir"));
        out.put("plugins_dir", c.string("plugins.dir"));
        out.put("soul_file", c.string("soul.file"));
        out.put("logs_dir", c.logsDir().toString());
        out.put("storage_backend", c.storage().backend() == dev.aman.config.StorageConfig.Backend.SQLITE ? "sqlite" : "postgresql");
        out.put("auth_mode", c.http().devMode() ? "dev" : "token");
        out.put("api_token_configured", !c.http().devMode());
        out.put("debug_endpoints_enabled", c.runtime().debugEndpointsEnabled());
        out.put("allow_insecure_remote", c.http().allowInsecureRemote());
        out.put("max_body_bytes", c.http().maxBodyBytes());
        out.put("drain_timeout_sec", c.runtime().drainTimeoutSec());
        out.put("tool_timeout_sec", c.runtime().toolTimeoutSec());
        out.put("default_agent", defaultAgent(c));
        out.put("config_revision", config.revision());
        var overrides = out.putArray("overrides");
        config.overriddenKeys().forEach(overrides::add);
        return out;
    }

    /** {@code runtime.default_agent}, else the first enabled agent, else the implicit agent {@code aman}. */
    private static String defaultAgent(AmanConfig c) {
        String configured = c.runtime().defaultAgent();
        if (!configured.isEmpty()) {
            return configured;
        }
        var agents = c.items("agents");
        if (agents.isEmpty()) {
            return "aman";
        }
        return agents.stream().filter(a -> !Boolean.FALSE.equals(a.get("enabled"))).map(a -> (String) a.get("id"))
                .findFirst().orElse(null);
    }
}
