package dev.aman.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.config.ConfigService;
import dev.aman.http.ApiRequest;
import dev.aman.http.ApiResponse;
import dev.aman.http.Readiness;
import dev.aman.http.RouteSpec;
import dev.aman.http.Routes;
import dev.aman.http.errors.ApiException;
import dev.aman.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code POST /config/set} (API.md §12.1). */
public final class ConfigRoutes implements Routes {
    private final ConfigService config;
    private final DlqRoutes.EventPublisher events;

    /** @param events publishes {@code config_changed} */
    public ConfigRoutes(ConfigService config, DlqRoutes.EventPublisher events) {
        this.config = config;
        this.events = events;
    }

    @Override
    public void register(Registrar r) {
        r.add(RouteSpec.post("/config/set", Readiness.C, "config.set", "config").confirmed(), this::set);
    }

    private ApiResponse set(ApiRequest req) {
        JsonNode changes = req.body().get("changes");
        if (changes == null || changes.isNull() || (changes.isObject() && changes.isEmpty())) {
            throw ApiException.of(400, "changes required");
        }
        if (!changes.isObject()) {
            throw ApiException.badRequest("changes must be an object").with("field", "changes");
        }
        JsonNode expected = req.body().get("expected_revision");
        Long expectedRevision = null;
        if (expected != null && !expected.isNull()) {
            if (!expected.isIntegralNumber() || !expected.canConvertToLong()) {
                throw ApiException.badRequest("expected_revision must be an integer").with("field", "expected_revision");
            }
            expectedRevision = expected.longValue();
        }
        Map<String, Object> plain = new LinkedHashMap<>();
        changes.properties().forEach(e -> plain.put(e.getKey(), Json.toPlain(e.getValue())));
        ConfigService.Applied applied = config.set(plain, expectedRevision);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", true);
        body.put("revision", applied.revision());
        body.put("applied", applied.applied());
        java.util.List<Map<String, Object>> changeList = new java.util.ArrayList<>();
        for (ConfigService.Change c : applied.changes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", c.key());
            m.put("old", c.oldValue());
            m.put("new", c.newValue());
            changeList.add(m);
        }
        events.publish("config_changed", Map.of("revision", applied.revision(), "changes", changeList,
                "operator", req.operator()));
        String detail = applied.changes().stream()
                .map(c -> c.key() + ": " + Json.write(c.oldValue()) + " → " + Json.write(c.newValue()))
                .collect(Collectors.joining("; "));
        return ApiResponse.ok(body).audit(detail);
    }
}
