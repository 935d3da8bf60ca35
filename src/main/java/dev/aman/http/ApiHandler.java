package dev.aman.http;

/** An endpoint: parse the request, call a service, render the result. */
@FunctionalInterface
public interface ApiHandler {
    ApiResponse handle(ApiRequest request) throws Exception;

    /**
     * Validates the request without side effects (API.md §1.9 step 8); the pipeline calls it before the
     * idempotency lookup (step 9), so an invalid body is a 400 even under a used key. Default: nothing.
     */
    default void validate(ApiRequest request) throws Exception {
    }
}
