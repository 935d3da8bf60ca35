package dev.aman.config;

import static dev.aman.config.KeyDef.cold;
import static dev.aman.config.KeyDef.enumKey;
import static dev.aman.config.KeyDef.hot;
import static dev.aman.config.KeyDef.items;
import static dev.aman.config.KeyType.BOOL;
import static dev.aman.config.KeyType.FLOAT;
import static dev.aman.config.KeyType.INT;
import static dev.aman.config.KeyType.MAP;
import static dev.aman.config.KeyType.PATH;
import static dev.aman.config.KeyType.SECRET;
import static dev.aman.config.KeyType.STRING;
import static dev.aman.config.KeyType.STRING_LIST;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keys of FORMATS §2.7.12–§2.7.13: {@code llm} with its provider items, and {@code agents}.
 *
 * <p>Defaults that depend on other fields are left empty (or null) here and filled in where the value is
 * used: a provider's {@code base_url} (per kind) and {@code api_key_env} ({@code AMAN_PROVIDER_<NAME>_API_KEY});
 * an agent's {@code name} (its id), {@code provider} ({@code llm.default_provider}), {@code model} (the
 * provider's) and {@code soul} (the global {@code soul.file}). An empty {@code llm.default_provider} means the
 * first enabled provider.
 */
final class LlmKeys {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Agent ids that would collide with the {@code /agent/start} and {@code /agent/shutdown} routes. */
    private static final Set<String> RESERVED_AGENT_IDS = Set.of("start", "shutdown");
    /** The implicit agent that exists when {@code agents} is empty (FORMATS §2.7.13). */
    private static final String IMPLICIT_AGENT = "aman";

    private LlmKeys() {
    }

    static List<KeyDef> all() {
        return List.of(
                items("llm.providers", false, providerFields(), LlmKeys::checkProvider),
                hot("llm.default_provider", STRING, "", null),
                hot("llm.fallback", STRING_LIST, List.of(), null),
                hot("llm.max_turns", INT, 16, Rule.range(1, 256)),
                hot("llm.turn_timeout_sec", INT, 600, Rule.range(10, 86_400)),
                hot("llm.stream", BOOL, true, null),
                hot("llm.circuit_breaker.failure_threshold", INT, 5, Rule.atLeast(1)),
                hot("llm.circuit_breaker.open_sec", INT, 30, Rule.range(1, 3600)),
                hot("llm.probe_interval_sec", INT, 60, Rule.atLeast(0)),

                items("agents", false, agentFields(), null));
    }

    private static List<KeyDef> providerFields() {
        return List.of(
                cold("name", STRING, null, Rule.requiredMatch(NAME)).asRequired(),
                enumKey("kind", null, false, "openai", "anthropic", "ollama").asRequired(),
                cold("base_url", STRING, "", Rule.httpUrl(true)),
                cold("model", STRING, null, Rule.nonBlank()).asRequired(),
                cold("api_key", SECRET, "", null),
                cold("api_key_env", STRING, "", LlmKeys::checkEnvName),
                cold("timeouts.connect_ms", INT, 10_000, Rule.range(100, 600_000)),
                cold("timeouts.request_ms", INT, 120_000, Rule.range(1000, 3_600_000)),
                cold("timeouts.stream_idle_ms", INT, 60_000, Rule.range(1000, 3_600_000)),
                cold("max_retries", INT, 2, Rule.range(0, 10)),
                cold("context_window", INT, 32_768, Rule.range(1024, 10_000_000)),
                // the upper bound is the item's context_window, checked in checkProvider
                cold("max_output_tokens", INT, 4096, Rule.atLeast(1)),
                cold("temperature", FLOAT, null, Rule.floatRange(0, 2)).asNullable(),
                cold("headers", MAP, Map.of(), null),
                cold("enabled", BOOL, true, null));
    }

    private static List<KeyDef> agentFields() {
        return List.of(
                cold("id", STRING, null, LlmKeys::checkAgentId).asRequired(),
                cold("name", STRING, "", LlmKeys::checkDisplayName),
                cold("provider", STRING, "", null),
                cold("model", STRING, "", null),
                cold("soul", PATH, "", null),
                cold("allowed_tools", STRING_LIST, null, null).asNullable(),
                cold("denied_tools", STRING_LIST, List.of(), null),
                cold("allowed_skills", STRING_LIST, null, null).asNullable(),
                cold("enabled", BOOL, true, null),
                cold("max_turns", INT, null, Rule.range(1, 256)).asNullable(),
                cold("idle_interval_sec", INT, 0, LlmKeys::checkIdleInterval));
    }

    /** Cross-field rules of one provider. Never mentions key values: they are secrets. */
    private static void checkProvider(Map<String, Object> item, String itemPath, ConfigProblems problems) {
        String apiKey = item.get("api_key") instanceof String s ? s : "";
        String apiKeyEnv = item.get("api_key_env") instanceof String s ? s : "";
        if (!apiKey.isEmpty() && !apiKeyEnv.isEmpty()) {
            problems.error(itemPath + ".api_key", "must not be set together with api_key_env");
        }

        if (item.get("name") instanceof String name && item.get("kind") instanceof String kind
                && apiKey.isEmpty() && apiKeyEnv.isEmpty()) {
            String defaultEnv = defaultKeyEnv(name);
            String fromEnv = System.getenv(defaultEnv);
            boolean hasKey = fromEnv != null && !fromEnv.isEmpty();
            if (!hasKey && kind.equals("anthropic")) {
                problems.error(itemPath + ".api_key",
                        "kind anthropic requires an API key (api_key, api_key_env or " + defaultEnv + ")");
            } else if (!hasKey && kind.equals("openai") && !isLocal(item.get("base_url"))) {
                problems.warn(itemPath + ": kind openai without an API key (api_key, api_key_env or "
                        + defaultEnv + ") for a public base_url");
            }
        }

        if (item.get("context_window") instanceof Long window
                && item.get("max_output_tokens") instanceof Long output && output > window) {
            problems.error(itemPath + ".max_output_tokens", "must be 1–context_window (" + window + "), got " + output);
        }

        if (item.get("headers") instanceof Map<?, ?> headers) {
            headers.forEach((header, value) -> {
                String path = itemPath + ".headers." + header;
                if (!HEADER_NAME.matcher(header.toString()).matches()) {
                    problems.error(path, "must be an HTTP header name");
                } else if (!(value instanceof String) && !(value instanceof ValueConverter.TextValue)) {
                    problems.error(path, "must be a string"); // the value is a secret: not described
                }
            });
        }
    }

    /** {@code AMAN_PROVIDER_<NAME>_API_KEY}, name upper-cased and {@code -} → {@code _} (FORMATS §2.3). */
    static String defaultKeyEnv(String providerName) {
        return "AMAN_PROVIDER_" + providerName.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY";
    }

    /**
     * True when {@code base_url} names a loopback or private address literally. Host names are not resolved:
     * validation must not depend on DNS, so only {@code localhost} counts among names.
     */
    private static boolean isLocal(Object baseUrl) {
        if (!(baseUrl instanceof String url) || url.isEmpty()) {
            return false; // the openai default is public
        }
        String host;
        try {
            host = new URI(url).getHost();
        } catch (URISyntaxException e) {
            return false;
        }
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
            return false;
        }
        try {
            InetAddress address = InetAddress.getByName(literal); // a literal: no lookup
            byte[] bytes = address.getAddress();
            boolean uniqueLocalV6 = bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
            return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                    || uniqueLocalV6;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static void crossCheck(Map<String, Object> values, ConfigProblems problems) {
        List<String> providers = uniqueNames(values.get("llm.providers"), "llm.providers", "name", problems);
        List<String> agents = uniqueNames(values.get("agents"), "agents", "id", problems);

        if (!providers.isEmpty() && values.get("llm.default_provider") instanceof String def
                && !def.isEmpty() && !providers.contains(def)) {
            problems.error("llm.default_provider", "must name a configured provider, got \"" + def + "\"");
        }
        if (values.get("agents") instanceof List<?> items) {
            for (int i = 0; i < items.size(); i++) {
                if (!providers.isEmpty() && items.get(i) instanceof Map<?, ?> agent
                        && agent.get("provider") instanceof String p && !p.isEmpty() && !providers.contains(p)) {
                    problems.error("agents[" + i + "].provider", "must name a configured provider, got \"" + p + "\"");
                }
            }
        }
        if (values.get("llm.fallback") instanceof List<?> fallback) {
            for (Object name : fallback) {
                if (!providers.contains(name.toString())) {
                    problems.error("llm.fallback", "entries must name configured providers, got \"" + name + "\"");
                }
            }
        }

        if (values.get("runtime.default_agent") instanceof String agent && !agent.isEmpty()) {
            List<String> known = agents.isEmpty() ? List.of(IMPLICIT_AGENT) : agents;
            if (!known.contains(agent)) {
                problems.error("runtime.default_agent", "must name a configured agent, got \"" + agent + "\"");
            }
        }
    }

    /**
     * Returns the names found in a list of items and reports duplicates. Only items whose name field
     * converted count; an item with an invalid name has already been reported.
     */
    private static List<String> uniqueNames(Object list, String listPath, String field, ConfigProblems problems) {
        List<String> names = new ArrayList<>();
        if (!(list instanceof List<?> items)) {
            return names;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof Map<?, ?> item && item.get(field) instanceof String name) {
                Integer first = seen.putIfAbsent(name, i);
                if (first == null) {
                    names.add(name);
                } else {
                    problems.error(listPath + "[" + i + "]." + field,
                            "duplicate " + field + " \"" + name + "\" (also " + listPath + "[" + first + "])");
                }
            }
        }
        return names;
    }

    private static String checkAgentId(Object value) {
        String id = value.toString();
        if (RESERVED_AGENT_IDS.contains(id)) {
            return "must not be start or shutdown (reserved), got \"" + id + "\"";
        }
        return Rule.requiredMatch(NAME).check(value);
    }

    private static String checkDisplayName(Object value) {
        int length = value.toString().length();
        return length > 128 ? "must be 1–128 characters long, got " + length : null;
    }

    private static String checkIdleInterval(Object value) {
        long n = (Long) value;
        return n == 0 || (n >= 10 && n <= 86_400) ? null : "must be 0 or 10–86400, got " + n;
    }

    private static String checkEnvName(Object value) {
        String name = value.toString();
        return name.isEmpty() || ENV_NAME.matcher(name).matches()
                ? null : "must be an environment variable name matching " + ENV_NAME + ", got \"" + Rule.abbreviate(name) + "\"";
    }
}
