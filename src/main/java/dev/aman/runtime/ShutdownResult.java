package dev.aman.runtime;

/** The body of {@code POST /agent/shutdown} (API.md §5.2). */
public record ShutdownResult(String status, int phase, boolean drained, long pendingDeliveries, long drainMs) {
}
