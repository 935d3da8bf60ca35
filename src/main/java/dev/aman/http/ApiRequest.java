package dev.aman.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.http.errors.ApiException;
import dev.aman.http.paging.CursorCodec;
import dev.aman.http.paging.PageParams;
import dev.aman.json.Json;
import dev.aman.store.Keyset;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One authenticated request as handlers see it: path parameters (already validated), query parameters with
 * the parsing rules of API.md §1.1, the JSON body (§1.7), the operator (§1.5) and the request id.
 * Confined to the request's thread.
 */
public final class ApiRequest {
    private final Context ctx;
    private final RouteSpec spec;
    private final Map<String, String> params;
    private final String operator;
    private final String requestId;
    private final byte[] rawBody;
    private ObjectNode body;
    private final boolean authenticated;
    private boolean auditHandled;

    ApiRequest(Context ctx, RouteSpec spec, Map<String, String> params, String operator, String requestId, byte[] rawBody,
               boolean authenticated) {
        this.authenticated = authenticated;
        this.ctx = ctx;
        this.spec = spec;
        this.params = params;
        this.operator = operator;
        this.requestId = requestId;
        this.rawBody = rawBody;
    }

    /** Valid credentials (or development mode); false for anonymous clients of public routes. */
    public boolean authenticated() {
        return authenticated;
    }

    public RouteSpec spec() {
        return spec;
    }

    public String operator() {
        return operator;
    }

    public String requestId() {
        return requestId;
    }

    public String pathParam(String name) {
        return params.get(name);
    }

    public String header(String name) {
        return ctx.header(name);
    }

    /** The handler wrote the audit record itself (e.g. shutdown, before storage closes). */
    public void markAuditHandled() {
        auditHandled = true;
    }

    boolean auditHandled() {
        return auditHandled;
    }

    /** The request body as a JSON object; an empty body is {@code {}}. */
    public ObjectNode body() {
        if (body == null) {
            body = parseBody(rawBody);
        }
        return body;
    }

    static ObjectNode parseBody(byte[] raw) {
        if (raw.length == 0) {
            return Json.object();
        }
        JsonNode node;
        try {
            node = Json.parse(raw);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("malformed JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    byte[] rawBody() {
        return rawBody;
    }

    // ---- query parameters ----

    /** Last value of a query parameter, or null. */
    public String query(String name) {
        List<String> values = ctx.queryParams(name);
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    public Long queryLong(String name, long min, long max) {
        String v = query(name);
        if (v == null) {
            return null;
        }
        if (!v.matches("[+-]?\\d{1,19}")) {
            throw ApiException.badRequest(name + " must be an integer");
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " is out of range");
        }
        if (n < min || n > max) {
            throw ApiException.badRequest(name + " must be " + min + "–" + max);
        }
        return n;
    }

    public Boolean queryBool(String name) {
        String v = query(name);
        if (v == null) {
            return null;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.badRequest(name + " must be true, false, 1 or 0");
        };
    }

    /** One of the allowed values, or null when absent. */
    public String queryEnum(String name, List<String> allowed) {
        String v = query(name);
        if (v != null && !allowed.contains(v)) {
            throw ApiException.badRequest(name + " must be one of " + String.join(", ", allowed));
        }
        return v;
    }

    /**
     * {@code limit} (default 100, clamped to 1000), {@code cursor} or {@code offset} (not both).
     *
     * @param queryShape path, filters and order: a cursor from another shape is refused
     */
    public PageParams page(String queryShape) {
        String limitText = query("limit");
        int limit = PageParams.DEFAULT_LIMIT;
        if (limitText != null) {
            if (!limitText.matches("[+-]?\\d+")) {
                throw ApiException.badRequest("limit must be an integer");
            }
            long l;
            try {
                l = Long.parseLong(limitText);
            } catch (NumberFormatException e) {
                l = limitText.startsWith("-") ? -1 : Long.MAX_VALUE; // beyond 64 bits: clamped like any large limit
            }
            if (l < 1) {
                throw ApiException.badRequest("limit must be at least 1");
            }
            limit = (int) Math.min(l, PageParams.MAX_LIMIT);
        }
        String cursor = query("cursor");
        String offsetText = query("offset");
        if (cursor != null && offsetText != null) {
            throw ApiException.badRequest("cursor and offset cannot be combined");
        }
        int offset = 0;
        if (offsetText != null) {
            offset = Math.toIntExact(queryLong("offset", 0, Integer.MAX_VALUE));
        }
        Keyset after = cursor == null ? null : CursorCodec.decode(cursor, queryShape);
        return new PageParams(limit, offset, after);
    }
}
