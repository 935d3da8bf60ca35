package dev.aman.http;

/** An endpoint: parse the request, call a service, render the result. */
@FunctionalInterface
public interface ApiHandler {
    ApiResponse handle(ApiRequest request) throws Exception;
}
