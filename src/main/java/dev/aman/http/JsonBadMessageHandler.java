package dev.aman.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.ids.UuidV7;
import dev.aman.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Renders the answers Jetty gives on its own, before any handler runs, as the JSON error body of API.md §1.8
 * instead of Jetty's HTML page. Jetty's HTTP parser refuses some requests outright — a request target it
 * cannot parse (a percent-encoded NUL, {@code %00}, in the path), an over-long URI or header block — and
 * fixes the status itself; only the body and headers can be chosen here. The phrases are fixed: Jetty's
 * reason text may echo parser state and is not shown.
 *
 * <p>Stateless apart from the id generator; thread-safe.
 */
final class JsonBadMessageHandler extends ErrorHandler {
    private final UuidV7 ids;

    JsonBadMessageHandler(UuidV7 ids) {
        this.ids = ids;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String error = switch (status) {
            case 413 -> "payload too large";
            case 414 -> "invalid request: uri too long";
            case 431 -> "invalid request: headers too large";
            default -> status >= 500 ? "internal error" : "invalid request: malformed request";
        };
        ObjectNode body = Json.object();
        body.put("error", error);
        body.put("message", error);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        // every response carries a request id (API.md §1.1); this one never reached the route matcher
        fields.put("x-request-id", ids.next());
        return ByteBuffer.wrap(Json.write(body).getBytes(StandardCharsets.UTF_8));
    }
}
