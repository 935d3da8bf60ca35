package dev.aman.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.http.errors.ApiException;
import java.util.List;

/**
 * Reads typed body fields with the rules of API.md §1.7: {@code null} for an optional field means absent,
 * a wrong type or value names the field in a 400. Stateless.
 */
public final class Fields {
    private Fields() {
    }

    public static ApiException invalid(String field, String reason) {
        return ApiException.badRequest(field + " " + reason).with("field", field);
    }

    private static JsonNode get(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n;
    }

    public static String optString(ObjectNode body, String field) {
        JsonNode n = get(body, field);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid(field, "must be a string");
        }
        return n.asText();
    }

    public static String reqString(ObjectNode body, String field) {
        String s = optString(body, field);
        if (s == null) {
            throw invalid(field, "is required");
        }
        if (s.isBlank()) {
            throw invalid(field, "must not be blank");
        }
        return s;
    }

    /** A field with a documented alias: both may be sent only with equal values. */
    public static String aliased(ObjectNode body, String field, String alias) {
        String a = optString(body, field);
        String b = optString(body, alias);
        if (a != null && b != null && !a.equals(b)) {
            throw invalid(field, "and " + alias + " differ");
        }
        return a != null ? a : b;
    }

    public static Long optLong(ObjectNode body, String field, long min, long max) {
        JsonNode n = get(body, field);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw invalid(field, "must be an integer");
        }
        long v = n.longValue();
        if (v < min || v > max) {
            throw invalid(field, "must be " + min + "–" + max + ", got " + v);
        }
        return v;
    }

    public static String optEnum(ObjectNode body, String field, List<String> allowed) {
        String s = optString(body, field);
        if (s != null && !allowed.contains(s)) {
            throw invalid(field, "must be one of " + String.join(", ", allowed) + ", got \"" + cut(s) + "\"");
        }
        return s;
    }

    public static String cut(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
