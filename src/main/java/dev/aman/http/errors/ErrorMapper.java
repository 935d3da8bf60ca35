package dev.aman.http.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.audit.AuditOutcome;
import dev.aman.config.ConfigChangeException;
import dev.aman.json.Json;
import dev.aman.runtime.StartupException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table from exceptions to HTTP answers (API.md §1.8). Anything unknown becomes 500
 * {@code internal error}, logged once with its stack trace; bodies never carry stack traces or secrets.
 */
public final class ErrorMapper {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    /** A rendered error: status, JSON body, extra headers and the audit outcome it implies. */
    public record Mapped(int status, ObjectNode body, Map<String, String> headers, String auditOutcome) {
    }

    public Mapped map(Throwable e) {
        if (e instanceof ApiException a) {
            return render(a.status(), a.getMessage(), a.context(), a.headers(), a.auditOutcome());
        }
        if (e instanceof ConfigChangeException c) {
            return switch (c.kind()) {
                case CHANGES_REQUIRED, UNKNOWN_KEY, NOT_HOT, INVALID_VALUE -> render(400, c.getMessage(), Map.of(), Map.of(), null);
                case PINNED -> render(409, c.getMessage(), Map.of(), Map.of(), null);
                case REVISION_CONFLICT -> render(409, c.getMessage(),
                        Map.of("expected_revision", c.expectedRevision(), "current_revision", c.currentRevision()), Map.of(), null);
            };
        }
        if (e instanceof StartupException s) {
            return switch (s.kind()) {
                case SHUTTING_DOWN, INTERRUPTED_BY_SHUTDOWN -> render(409, s.getMessage(), Map.of(), Map.of(), null);
                case FAILED -> render(500, s.getMessage(), Map.of(), Map.of(), null);
            };
        }
        if (e instanceof dev.aman.bus.BackpressureRefused b) {
            return render(503, "backpressure", Map.of("level", b.level()), Map.of("retry-after", "1"), null);
        }
        if (e instanceof dev.aman.dlq.DlqService.EntryNotFound
                || e instanceof dev.aman.notify.NotificationService.NotFound
                || e instanceof dev.aman.bus.EventBus.DlqEntryGone) {
            return render(404, e.getMessage(), Map.of(), Map.of(), null);
        }
        if (e instanceof dev.aman.dlq.DlqService.RetryRefused r) {
            return render(r.limitReached() ? 422 : 409, r.getMessage(), Map.of(), Map.of(), null);
        }
        if (e instanceof dev.aman.notify.NotificationService.NotAllowed) {
            return render(409, e.getMessage(), Map.of(), Map.of(), null);
        }
        if (e instanceof dev.aman.bus.EventBus.ChainTooDeep) {
            return render(422, "unrecoverable: " + e.getMessage(), Map.of(), Map.of(), null);
        }
        if (e instanceof JsonProcessingException) {
            return render(400, "invalid request: malformed JSON", Map.of(), Map.of(), null);
        }
        log.atError().setCause(e).log("unexpected error while handling a request");
        return render(500, "internal error", Map.of(), Map.of(), null);
    }

    private static Mapped render(int status, String error, Map<String, Object> context, Map<String, String> headers,
                                 String auditOutcome) {
        ObjectNode body = Json.object();
        body.put("error", error);
        body.put("message", error);
        context.forEach((k, v) -> body.set(k, Json.mapper().valueToTree(v)));
        return new Mapped(status, body, headers, auditOutcome != null ? auditOutcome : AuditOutcome.forStatus(status));
    }
}
