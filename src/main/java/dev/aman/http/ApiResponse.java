package dev.aman.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler returns: status, a body serialised as JSON, extra headers and, for mutating endpoints,
 * the audit detail of the success.
 */
public record ApiResponse(int status, Object body, Map<String, String> headers, String auditDetail, String auditTarget) {

    public ApiResponse(int status, Object body, Map<String, String> headers, String auditDetail) {
        this(status, body, headers, auditDetail, null);
    }

    /** A streaming body (SSE): the writer owns the connection until it returns. */
    @FunctionalInterface
    public interface Streamer {
        void stream(io.javalin.http.Context ctx) throws Exception;
    }

    public static ApiResponse stream(Streamer streamer) {
        return new ApiResponse(200, streamer, Map.of(), "");
    }

    /** Overrides the route's audit target when it is only known after execution ({@code event:<id>}). */
    public ApiResponse target(String target) {
        return new ApiResponse(status, body, headers, auditDetail, target);
    }

    /** A non-JSON body (Prometheus text). */
    public record Text(String contentType, String content) {
    }

    public static ApiResponse text(String contentType, String content) {
        return new ApiResponse(200, new Text(contentType, content), Map.of(), "");
    }

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body, Map.of(), "");
    }

    public ApiResponse withStatus(int s) {
        return new ApiResponse(s, body, headers, auditDetail, auditTarget);
    }

    public ApiResponse audit(String detail) {
        return new ApiResponse(status, body, headers, detail, auditTarget);
    }

    public ApiResponse header(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, body, h, auditDetail, auditTarget);
    }
}
