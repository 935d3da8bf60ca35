package dev.aman.config;

import static dev.aman.config.KeyDef.cold;
import static dev.aman.config.KeyDef.enumKey;
import static dev.aman.config.KeyDef.hot;
import static dev.aman.config.KeyType.BOOL;
import static dev.aman.config.KeyType.HOST_PORT;
import static dev.aman.config.KeyType.INT;
import static dev.aman.config.KeyType.PATH;
import static dev.aman.config.KeyType.SECRET;
import static dev.aman.config.KeyType.SIZE;
import static dev.aman.config.KeyType.STRING;
import static dev.aman.config.KeyType.STRING_LIST;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Keys of FORMATS §2.7.1–§2.7.4: {@code config_version}, {@code http}, {@code runtime}, {@code storage}, {@code logging}. */
final class CoreKeys {
    private static final Set<String> WEAK_TOKENS = Set.of("undefined", "null", "none", "changeme", "token", "password");

    private CoreKeys() {
    }

    static List<KeyDef> all() {
        return List.of(
                cold("config_version", INT, 1, v -> ((Long) v) == 1 ? null : "must be 1, got " + v),

                cold("http.bind", HOST_PORT, "127.0.0.1:9090", null),
                cold("http.token", SECRET, "", CoreKeys::checkToken),
                cold("http.allow_insecure_remote", BOOL, false, null),
                hot("http.max_body_bytes", SIZE, "10MiB", Rule.sizeRange(1L << 10, 1L << 30)),
                hot("http.allowed_hosts", STRING_LIST, List.of(), null),
                hot("http.cors_origins", STRING_LIST, List.of(), CoreKeys::checkOrigins),
                cold("http.tls.cert_file", PATH, "", null),
                cold("http.tls.key_file", PATH, "", null),
                hot("http.sse.heartbeat_sec", INT, 15, Rule.range(5, 60)),
                hot("http.sse.max_clients", INT, 64, Rule.range(1, 10_000)),
                hot("http.sse.client_buffer", INT, 1024, Rule.range(16, 1_000_000)),
                hot("http.idempotency_ttl_sec", INT, 86_400, Rule.range(60, 604_800)),

                hot("runtime.drain_timeout_sec", INT, 30, Rule.range(1, 3600)),
                hot("runtime.tool_timeout_sec", INT, 60, Rule.range(1, 3600)),
                hot("runtime.force_enable_debug_endpoints", BOOL, false, null),
                hot("runtime.default_agent", STRING, "", null),
                cold("runtime.startup_timeout_sec", INT, 120, Rule.range(10, 3600)),

                cold("storage.url", STRING, "jdbc:sqlite:data/aman.db", CoreKeys::checkStorageUrl),
                cold("storage.username", STRING, "", null),
                cold("storage.password", SECRET, "", null),
                cold("storage.pool_size", INT, 10, Rule.range(1, 200)),
                cold("storage.node_id", STRING, "", Rule.pattern("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}",
                        "a host-name-like id of 1–128 characters")),
                cold("storage.claim_timeout_sec", INT, 60, Rule.range(10, 3600)),

                enumKey("logging.level", "info", true, "trace", "debug", "info", "warn", "error"),
                enumKey("logging.format", "text", false, "text", "json"),
                cold("logging.file", PATH, "logs/aman.log", null),
                cold("logging.max_file_bytes", SIZE, "50MiB", Rule.sizeRange(1L << 20, 10L << 30)),
                cold("logging.max_files", INT, 10, Rule.range(1, 1000)));
    }

    /** Never echoes the value: it is a secret. */
    private static String checkToken(Object value) {
        String t = (String) value;
        if (t.isEmpty()) {
            return null;
        }
        if (t.length() < 8 || t.length() > 512) {
            return "must be 8–512 characters long";
        }
        if (!t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return "must be printable ASCII without whitespace";
        }
        if (WEAK_TOKENS.contains(t.toLowerCase(Locale.ROOT))) {
            return "must not be a placeholder word such as changeme";
        }
        return null;
    }

    private static String checkOrigins(Object value) {
        for (Object o : (List<?>) value) {
            if (!o.toString().matches("https?://[^/\\s]+")) {
                return "entries must be origins scheme://host[:port], got \"" + o + "\"";
            }
        }
        return null;
    }

    private static String checkStorageUrl(Object value) {
        String url = (String) value;
        if (url.startsWith("jdbc:sqlite:") && url.length() > "jdbc:sqlite:".length()) {
            return null;
        }
        if (url.startsWith("jdbc:postgresql://") || url.startsWith("postgresql://") || url.startsWith("postgres://")) {
            return null;
        }
        return "must be jdbc:sqlite:<path>, jdbc:postgresql://…, postgresql://… or postgres://…";
    }
}
