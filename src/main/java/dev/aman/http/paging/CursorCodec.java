package dev.aman.http.paging;

import dev.aman.http.errors.ApiException;
import dev.aman.json.Json;
import dev.aman.store.Keyset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque keyset cursors (API.md §1.10). A cursor carries the last item's sort time and id plus a short
 * hash of the path, filters and order that produced it, so that using it with another query is detected.
 * Stateless: cursors never expire.
 */
public final class CursorCodec {
    private CursorCodec() {
    }

    public static String encode(Keyset position, String queryShape) {
        String raw = position.time() + "|" + position.id() + "|" + shapeHash(queryShape);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static Keyset decode(String cursor, String queryShape) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("cursor is malformed");
        }
        String[] parts = raw.split("\\|", -1);
        if (parts.length != 3 || !parts[0].matches("-?\\d{1,19}") || parts[1].isEmpty() || parts[1].length() > 64) {
            throw ApiException.badRequest("cursor is malformed");
        }
        if (!parts[2].equals(shapeHash(queryShape))) {
            throw ApiException.badRequest("cursor does not match this query");
        }
        try {
            return new Keyset(Long.parseLong(parts[0]), parts[1]);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("cursor is malformed");
        }
    }

    private static String shapeHash(String queryShape) {
        return Json.sha256Hex(queryShape).substring(0, 16);
    }
}
