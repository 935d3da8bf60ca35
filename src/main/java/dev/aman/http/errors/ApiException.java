package dev.aman.http.errors;

import dev.aman.AmanException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP answer decided by the control plane itself (auth, routing, validation): status, the spec's error
 * phrase (API.md §1.8), optional context fields and headers.
 */
public final class ApiException extends AmanException {
    private final int status;
    private final Map<String, Object> context;
    private final Map<String, String> headers;
    private final String auditOutcome;

    private ApiException(int status, String error, Map<String, Object> context, Map<String, String> headers,
                         String auditOutcome) {
        super(error);
        this.status = status;
        this.context = Map.copyOf(context);
        this.headers = Map.copyOf(headers);
        this.auditOutcome = auditOutcome;
    }

    public static ApiException of(int status, String error) {
        return new ApiException(status, error, Map.of(), Map.of(), null);
    }

    public static ApiException badRequest(String detail) {
        return of(400, "invalid request: " + detail);
    }

    public static ApiException notFound(String kind, String id) {
        return of(404, "not found: " + kind + " " + id);
    }

    public ApiException with(String field, Object value) {
        Map<String, Object> c = new LinkedHashMap<>(context);
        c.put(field, value);
        return new ApiException(status, getMessage(), c, headers, auditOutcome);
    }

    public ApiException header(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiException(status, getMessage(), context, h, auditOutcome);
    }

    /** Overrides the status-derived audit outcome (e.g. {@code forbidden} for gated endpoints). */
    public ApiException auditAs(String outcome) {
        return new ApiException(status, getMessage(), context, headers, outcome);
    }

    public int status() {
        return status;
    }

    public Map<String, Object> context() {
        return context;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public String auditOutcome() {
        return auditOutcome;
    }
}
