package dev.aman.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler returns: status, a body serialised as JSON, extra headers and, for mutating endpoints,
 * the audit detail of the success.
 */
public record ApiResponse(int status, Object body, Map<String, String> headers, String auditDetail) {

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
        return new ApiResponse(s, body, headers, auditDetail);
    }

    public ApiResponse audit(String detail) {
        return new ApiResponse(status, body, headers, detail);
    }

    public ApiResponse header(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, body, h, auditDetail);
    }
}
