package dev.aman.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.json.Json;
import java.net.http.HttpHeaders;

/** One HTTP answer as tests see it. */
public record ApiResult(int status, HttpHeaders headers, String body) {

    public JsonNode json() {
        try {
            return Json.parse(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("response is not JSON: " + body, e);
        }
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    /** The {@code error} field of an error body. */
    public String error() {
        return json().path("error").asText();
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}
