package dev.aman.runtime;

/** API.md §2.16. */
public record RuntimeStatus(int phase, String phaseName, String lifecycle, boolean ready, boolean live,
                            boolean draining, Long startedAtMs, Long readyAtMs, long uptimeMs, String version,
                            String nodeId) {
}
