package dev.aman.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A {@code HOST:PORT} value; IPv6 hosts are kept without brackets in {@link #host()}. */
public record HostPort(String host, int port) {

    /** Parses {@code 127.0.0.1:9090}, {@code [::1]:9090} or {@code name:80}; returns null when malformed. */
    public static HostPort parse(String text) {
        String t = text.trim();
        String host;
        String port;
        if (t.startsWith("[")) {
            int end = t.indexOf("]:");
            if (end < 0) {
                return null;
            }
            host = t.substring(1, end);
            port = t.substring(end + 2);
            if (!host.contains(":")) {
                return null;
            }
        } else {
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || t.indexOf(':') != colon) {
                return null;
            }
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
            if (!host.matches("[A-Za-z0-9.-]+")) {
                return null;
            }
        }
        if (!port.matches("\\d{1,5}")) {
            return null;
        }
        int p = Integer.parseInt(port);
        return p > 65535 ? null : new HostPort(host, p);
    }

    public boolean ipv6() {
        return host.contains(":");
    }

    /** Host as written in URLs and Host headers. */
    public String hostForUrl() {
        return ipv6() ? "[" + host + "]" : host;
    }

    public boolean isLoopback() {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (host.matches("[0-9.]+") || ipv6()) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return hostForUrl() + ":" + port;
    }
}
