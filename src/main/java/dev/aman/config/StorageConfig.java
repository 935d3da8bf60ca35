package dev.aman.config;

import java.nio.file.Path;

/**
 * The {@code storage} section (FORMATS §2.7.3) with the URL normalised to JDBC form: relative SQLite
 * paths are resolved under home, {@code postgres://} and {@code postgresql://} become
 * {@code jdbc:postgresql://}.
 */
public record StorageConfig(String jdbcUrl, String username, String password, int poolSize, String nodeId,
                            int claimTimeoutSec) {

    public enum Backend { SQLITE, POSTGRESQL }

    static StorageConfig from(AmanConfig c) {
        String url = normalise(c.string("storage.url"), c.home());
        String user = c.string("storage.username");
        String password = c.string("storage.password");
        // user:password@ in a PostgreSQL URL is allowed (FORMATS §2.7.3) but pgjdbc does not parse it
        var userInfo = java.util.regex.Pattern.compile("^(jdbc:postgresql://)([^@/]*)@(.*)$").matcher(url);
        if (userInfo.matches()) {
            String[] parts = userInfo.group(2).split(":", 2);
            String decodedUser = java.net.URLDecoder.decode(parts[0], java.nio.charset.StandardCharsets.UTF_8);
            user = user.isEmpty() ? decodedUser : user;
            if (parts.length == 2 && password.isEmpty()) {
                password = java.net.URLDecoder.decode(parts[1], java.nio.charset.StandardCharsets.UTF_8);
            }
            url = userInfo.group(1) + userInfo.group(3);
        }
        return new StorageConfig(url, user, password, c.intValue("storage.pool_size"), c.string("storage.node_id"),
                c.intValue("storage.claim_timeout_sec"));
    }

    static String normalise(String url, Path home) {
        if (url.startsWith("jdbc:sqlite:")) {
            String file = url.substring("jdbc:sqlite:".length());
            int q = file.indexOf('?');
            String params = q >= 0 ? file.substring(q) : "";
            file = q >= 0 ? file.substring(0, q) : file;
            if (file.startsWith("file:") || file.equals(":memory:")) {
                return url;
            }
            return "jdbc:sqlite:" + home.resolve(file).toAbsolutePath().normalize() + params;
        }
        if (url.startsWith("postgresql://")) {
            return "jdbc:" + url;
        }
        if (url.startsWith("postgres://")) {
            return "jdbc:postgresql://" + url.substring("postgres://".length());
        }
        return url;
    }

    public Backend backend() {
        return jdbcUrl.startsWith("jdbc:sqlite:") ? Backend.SQLITE : Backend.POSTGRESQL;
    }

    @Override
    public String toString() {
        return "StorageConfig[backend=" + backend() + ", poolSize=" + poolSize + ", nodeId=" + nodeId + "]";
    }
}
