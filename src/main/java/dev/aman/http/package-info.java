/**
 * The HTTP control plane (API.md §1): Javalin on Jetty with virtual threads. {@link dev.aman.http.RequestPipeline}
 * applies the order of checks of §1.9 to every route once; routes classes only parse, call a service and
 * render.
 */
package dev.aman.http;
