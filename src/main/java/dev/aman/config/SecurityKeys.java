package dev.aman.config;

import static dev.aman.config.KeyDef.hot;
import static dev.aman.config.KeyType.BOOL;
import static dev.aman.config.KeyType.INT;
import static dev.aman.config.KeyType.MAP;
import static dev.aman.config.KeyType.PATH_LIST;
import static dev.aman.config.KeyType.SIZE;
import static dev.aman.config.KeyType.STRING_LIST;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keys of FORMATS §2.7.11: {@code security}. The built-in approval defaults of §10.2 are applied by the tool
 * policy; {@code security.tools.approval} only holds the configured overrides.
 */
final class SecurityKeys {
    private static final Set<String> APPROVAL_MODES = Set.of("never", "once", "always");

    private SecurityKeys() {
    }

    static List<KeyDef> all() {
        return List.of(
                hot("security.risky_capabilities_enabled", BOOL, false, null),
                hot("security.tools.allowed_paths", PATH_LIST, List.of("data/workspace"), SecurityKeys::checkAllowedPaths),
                hot("security.tools.read_only_paths", PATH_LIST, List.of(), null),
                hot("security.tools.max_read_bytes", SIZE, "1MiB", null),
                hot("security.tools.max_write_bytes", SIZE, "10MiB", null),
                hot("security.tools.http.allow", STRING_LIST, List.of(), null),
                hot("security.tools.http.max_response_bytes", SIZE, "2MiB", null),
                hot("security.tools.http.max_redirects", INT, 5, Rule.range(0, 20)),
                hot("security.tools.exec.allow", STRING_LIST, List.of(), null),
                hot("security.tools.exec.max_output_bytes", SIZE, "1MiB", null),
                hot("security.tools.exec.env_passthrough", STRING_LIST, List.of(), null),
                hot("security.tools.approval", MAP, Map.of(), null),
                hot("security.tools.approval_timeout_sec", INT, 60, SecurityKeys::checkApprovalTimeout),
                hot("security.content_policy.enabled", BOOL, true, null),
                hot("security.content_policy.extra_block", STRING_LIST, List.of(), null),
                hot("security.content_policy.extra_replace", STRING_LIST, List.of(), null),
                hot("security.content_policy.extra_redact", STRING_LIST, List.of(), null),
                hot("security.hardline.extra_commands", STRING_LIST, List.of(), null),
                hot("security.hardline.extra_write_paths", STRING_LIST, List.of(), null));
    }

    /**
     * Entries arrive resolved and normalised. Allowing the file system root or the whole user home would make
     * the path policy meaningless, so both are refused; anything below them is fine.
     */
    private static String checkAllowedPaths(Object value) {
        Path userHome = Path.of(System.getProperty("user.home")).toAbsolutePath().normalize();
        for (Object entry : (List<?>) value) {
            Path path;
            try {
                path = Path.of(entry.toString()).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                return "entries must be paths, got \"" + entry + "\"";
            }
            if (path.getParent() == null) {
                return "must not contain the file system root, got \"" + entry + "\"";
            }
            if (path.equals(userHome)) {
                return "must not contain the user home directory itself, got \"" + entry + "\"";
            }
        }
        return null;
    }

    private static String checkApprovalTimeout(Object value) {
        long n = (Long) value;
        return n == 0 || (n >= 5 && n <= 86_400) ? null : "must be 0 or 5–86400, got " + n;
    }

    static void crossCheck(Map<String, Object> values, ConfigProblems problems) {
        if (values.get("security.tools.approval") instanceof Map<?, ?> approval) {
            approval.forEach((tool, mode) -> {
                String key = "security.tools.approval." + tool;
                if (tool.toString().isEmpty()) {
                    problems.error(key, "tool name must not be empty");
                } else if (!(text(mode) instanceof String s) || !APPROVAL_MODES.contains(s)) {
                    problems.error(key, "must be one of never|once|always, got " + ValueConverter.describe(text(mode)));
                }
            });
        }

        // The loader applies the alias; here only a contradiction between the two effective values is an error.
        if (values.get("security.risky_capabilities_enabled") instanceof Boolean risky
                && values.get("runtime.force_enable_debug_endpoints") instanceof Boolean debug && !risky.equals(debug)) {
            problems.error("security.risky_capabilities_enabled", "conflicts with runtime.force_enable_debug_endpoints");
        }
    }

    /** Map values are kept as parsed; a value produced by a {@code ${ENV}} placeholder arrives wrapped. */
    private static Object text(Object value) {
        return value instanceof ValueConverter.TextValue tv ? tv.text().trim() : value;
    }
}
