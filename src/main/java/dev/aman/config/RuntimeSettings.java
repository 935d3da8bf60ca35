package dev.aman.config;

/** The {@code runtime} section (FORMATS §2.7.2). */
public record RuntimeSettings(int drainTimeoutSec, int toolTimeoutSec, boolean debugEndpointsEnabled,
                              String defaultAgent, int startupTimeoutSec) {

    static RuntimeSettings from(AmanConfig c) {
        return new RuntimeSettings(c.intValue("runtime.drain_timeout_sec"), c.intValue("runtime.tool_timeout_sec"),
                c.bool("runtime.force_enable_debug_endpoints"), c.string("runtime.default_agent"),
                c.intValue("runtime.startup_timeout_sec"));
    }
}
