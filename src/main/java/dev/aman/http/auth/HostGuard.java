package dev.aman.http.auth;

import dev.aman.config.HostPort;
import java.util.List;
import java.util.Locale;

/**
 * Host and Origin checks of API.md §1.4 (DNS-rebinding and CSRF defence). Immutable; built from one
 * configuration snapshot.
 */
public final class HostGuard {
    private final HostPort bind;
    private final boolean loopbackBind;
    private final List<String> allowedHosts;
    private final List<String> corsOrigins;

    public HostGuard(HostPort bind, List<String> allowedHosts, List<String> corsOrigins) {
        this.bind = bind;
        this.loopbackBind = bind.isLoopback();
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.corsOrigins = List.copyOf(corsOrigins);
    }

    public boolean hostAllowed(String hostHeader) {
        if (!loopbackBind && allowedHosts.isEmpty()) {
            return true;
        }
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String host = stripPort(hostHeader.trim().toLowerCase(Locale.ROOT));
        if (allowedHosts.contains(host)) {
            return true;
        }
        if (!loopbackBind) {
            return false;
        }
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
                || host.equals(bind.hostForUrl().toLowerCase(Locale.ROOT));
    }

    /** Applies to POST/PUT/DELETE carrying an Origin header. */
    public boolean originAllowed(String origin) {
        if (origin == null) {
            return true;
        }
        if (corsOrigins.contains(origin)) {
            return true;
        }
        return origin.matches("https?://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:\\d{1,5})?");
    }

    /** CORS headers are sent only for listed origins (API.md §1.1). */
    public boolean corsAllowed(String origin) {
        return origin != null && corsOrigins.contains(origin);
    }

    static String stripPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(0, end + 1) : host;
        }
        int colon = host.indexOf(':');
        return colon >= 0 ? host.substring(0, colon) : host;
    }
}
