package dev.aman.config;

import java.util.List;

/** The {@code http} section (FORMATS §2.7.1). */
public record HttpConfig(HostPort bind, String token, boolean allowInsecureRemote, long maxBodyBytes,
                         List<String> allowedHosts, List<String> corsOrigins, String tlsCertFile, String tlsKeyFile,
                         int sseHeartbeatSec, int sseMaxClients, int sseClientBuffer, long idempotencyTtlSec) {

    static HttpConfig from(AmanConfig c) {
        return new HttpConfig((HostPort) c.value("http.bind"), c.string("http.token"),
                c.bool("http.allow_insecure_remote"), c.longValue("http.max_body_bytes"),
                c.stringList("http.allowed_hosts"), c.stringList("http.cors_origins"),
                c.string("http.tls.cert_file"), c.string("http.tls.key_file"),
                c.intValue("http.sse.heartbeat_sec"), c.intValue("http.sse.max_clients"),
                c.intValue("http.sse.client_buffer"), c.longValue("http.idempotency_ttl_sec"));
    }

    /** No token configured: development mode (API.md §1.3). */
    public boolean devMode() {
        return token.isEmpty();
    }

    public boolean tls() {
        return !tlsCertFile.isEmpty();
    }

    @Override
    public String toString() {
        return "HttpConfig[bind=" + bind + ", token=" + (token.isEmpty() ? "\"\"" : "***") + "]";
    }
}
