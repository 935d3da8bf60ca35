package dev.aman.config;

import static dev.aman.config.KeyDef.cold;
import static dev.aman.config.KeyDef.enumKey;
import static dev.aman.config.KeyDef.items;
import static dev.aman.config.KeyType.BOOL;
import static dev.aman.config.KeyType.HOST_PORT;
import static dev.aman.config.KeyType.INT;
import static dev.aman.config.KeyType.OBJECT;
import static dev.aman.config.KeyType.SECRET;
import static dev.aman.config.KeyType.SIZE;
import static dev.aman.config.KeyType.STRING;
import static dev.aman.config.KeyType.STRING_LIST;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Keys of FORMATS §2.7.14: the {@code sources} items and their per-type {@code settings}.
 *
 * <p>{@code settings} is kept as parsed (it is also patched through {@code PUT /source/{id}/config}), so its
 * keys are converted and validated here, against one table per source type. An explicit {@code null}
 * setting means its default, as everywhere in the file. Whether {@code filewatch} paths exist is checked by
 * the source when it starts: resolving relative paths needs {@code <home>}, which validation does not have.
 */
final class SourceKeys {
    private static final Pattern SOURCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:_.-]{0,127}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> FILE_EVENTS = Set.of("created", "changed", "deleted");

    /**
     * Converts settings values. Paths in settings stay unresolved strings, so no home directory is needed;
     * a PATH-typed setting would fail fast on the null home instead of resolving against the wrong one.
     */
    private static final ValueConverter CONVERTER = new ValueConverter(null, null);

    private static final Map<String, List<KeyDef>> SETTINGS = Map.of(
            "timer", List.of(
                    cold("interval_ms", INT, null, Rule.range(100, 2_592_000_000L)).asRequired(),
                    cold("initial_delay_ms", INT, 0, Rule.atLeast(0)),
                    cold("heartbeat", BOOL, false, null),
                    cold("payload", OBJECT, Map.of(), null)),
            "webhook", List.of(
                    cold("bind", HOST_PORT, null, null).asRequired(),
                    cold("path", STRING, "/", v -> v.toString().startsWith("/")
                            ? null : "must start with /, got \"" + Rule.abbreviate(v.toString()) + "\""),
                    cold("secret", SECRET, "", null),
                    cold("secret_env", STRING, "", null),
                    cold("allow_unauthenticated", BOOL, false, null),
                    cold("max_body_bytes", SIZE, "1MiB", null),
                    cold("dedup_header", STRING, "", v -> v.toString().isEmpty()
                            || HEADER_NAME.matcher(v.toString()).matches() ? null : "must be an HTTP header name")),
            "filewatch", List.of(
                    cold("paths", STRING_LIST, null, v -> ((List<?>) v).isEmpty() ? "must not be empty" : null)
                            .asRequired(),
                    cold("patterns", STRING_LIST, List.of("*"), null),
                    cold("ignore", STRING_LIST, List.of(".*", "*~", "*.tmp", "*.swp"), null),
                    cold("recursive", BOOL, true, null),
                    cold("emit", STRING_LIST, List.of("created", "changed", "deleted"), SourceKeys::checkFileEvents),
                    cold("debounce_ms", INT, 500, Rule.atLeast(0)),
                    cold("max_stable_wait_ms", INT, 30_000, Rule.atLeast(0))),
            "im", List.of(
                    enumKey("platform", null, false, "telegram", "slack", "discord", "matrix").asRequired(),
                    cold("instance", STRING, "default", v -> v.toString().matches("[a-z0-9_-]{1,32}")
                            ? null : "must match [a-z0-9_-]{1,32}, got \"" + Rule.abbreviate(v.toString()) + "\""),
                    cold("bot_token", SECRET, "", null),
                    cold("bot_token_env", STRING, "", null),
                    cold("app_token", SECRET, "", null),
                    cold("app_token_env", STRING, "", null),
                    cold("homeserver_url", STRING, "", Rule.httpUrl(true)),
                    cold("user_id", STRING, "", null),
                    cold("access_token", SECRET, "", null),
                    cold("access_token_env", STRING, "", null),
                    cold("allowed_chats", STRING_LIST, List.of(), null),
                    cold("api_base_url", STRING, "", Rule.httpUrl(true)),
                    cold("poll_timeout_sec", INT, 30, Rule.atLeast(0))));

    /** Inline secret settings and their {@code _env} twins; setting both is an error (FORMATS §2.6). */
    private static final List<String> SECRET_SETTINGS = List.of("secret", "bot_token", "app_token", "access_token");

    private SourceKeys() {
    }

    static List<KeyDef> all() {
        return List.of(items("sources", false, List.of(
                // required except for im, whose id is derived; checked in checkSource
                cold("id", STRING, "", SourceKeys::checkOptionalId),
                enumKey("type", null, false, "timer", "webhook", "filewatch", "im").asRequired(),
                cold("enabled", BOOL, true, null),
                // null = by type: trusted for timer and filewatch, untrusted for webhook and im
                enumKey("trust", null, false, "trusted", "untrusted").asNullable(),
                enumKey("priority", "normal", false, "high", "normal", "low"),
                cold("agent_id", STRING, "", null),
                cold("settings", OBJECT, Map.of(), null)), SourceKeys::checkSource));
    }

    private static void checkSource(Map<String, Object> item, String itemPath, ConfigProblems problems) {
        if (!(item.get("type") instanceof String type)) {
            return; // the bad type has been reported; its settings cannot be judged
        }
        Map<String, Object> settings = item.get("settings") instanceof Map<?, ?> m ? stringKeys(m) : Map.of();
        Map<String, Object> converted = checkSettings(type, settings, itemPath + ".settings", problems);

        String id = item.get("id") instanceof String s ? s : "";
        if (type.equals("im")) {
            String derived = converted.get("platform") instanceof String platform
                    && converted.get("instance") instanceof String instance ? imId(platform, instance) : null;
            if (derived != null && !id.isEmpty() && !id.equals(derived)) {
                problems.error(itemPath + ".id", "must be omitted or equal the derived id \"" + derived
                        + "\" (im:<platform>:<instance>), got \"" + id + "\"");
            }
        } else if (id.isEmpty()) {
            problems.error(itemPath + ".id", "is required for type " + type);
        }
    }

    /**
     * Validates the settings of a source of the given type and returns the converted values (defaults
     * applied, invalid ones left out). Errors use {@code settingsPath.<key>}; unknown keys warn.
     */
    static Map<String, Object> checkSettings(String type, Map<String, Object> settings, String settingsPath,
                                             ConfigProblems problems) {
        List<KeyDef> table = SETTINGS.get(type);
        Map<String, Object> converted = new LinkedHashMap<>();
        if (table == null) {
            return converted;
        }
        Map<String, KeyDef> byKey = new HashMap<>();
        table.forEach(def -> byKey.put(def.path(), def));
        for (Map.Entry<String, Object> entry : settings.entrySet()) {
            if (!byKey.containsKey(entry.getKey())) {
                problems.warn("unknown config key: " + settingsPath + "." + entry.getKey());
            }
        }
        for (KeyDef def : table) {
            String path = settingsPath + "." + def.path();
            Object raw = settings.get(def.path());
            try {
                if (raw != null) {
                    converted.put(def.path(), CONVERTER.convert(def, raw, false));
                } else if (def.required()) {
                    problems.error(path, "is required for type " + type);
                } else if (def.defaultValue() != null) {
                    converted.put(def.path(), CONVERTER.convert(def, def.defaultValue(), false));
                }
            } catch (ValueConverter.Invalid e) {
                problems.error(path, e.getMessage());
            }
        }
        for (String secret : SECRET_SETTINGS) {
            if (isSet(converted.get(secret)) && isSet(converted.get(secret + "_env"))) {
                problems.error(settingsPath + "." + secret, "must not be set together with " + secret + "_env");
            }
        }
        switch (type) {
            case "webhook" -> checkWebhook(converted, settingsPath, problems);
            case "im" -> checkIm(converted, settingsPath, problems);
            default -> {
                // timer and filewatch settings have no cross-key rules
            }
        }
        return converted;
    }

    /** Checks on converted settings; a key missing from them was invalid and has been reported. */
    private static void checkWebhook(Map<String, Object> s, String settingsPath, ConfigProblems problems) {
        boolean hasSecret = isSet(s.get("secret")) || isSet(s.get("secret_env"));
        if (s.get("bind") instanceof HostPort bind && !bind.isLoopback() && !hasSecret
                && Boolean.FALSE.equals(s.get("allow_unauthenticated"))) {
            problems.error(settingsPath + ".bind",
                    "a non-loopback bind needs secret, secret_env or allow_unauthenticated: true");
        }
    }

    private static void checkIm(Map<String, Object> s, String settingsPath, ConfigProblems problems) {
        if (!(s.get("platform") instanceof String platform)) {
            return;
        }
        if (!platform.equals("matrix")) {
            requireSecret(s, "bot_token", platform, settingsPath, problems);
        }
        if (platform.equals("slack")) {
            requireSecret(s, "app_token", platform, settingsPath, problems);
        }
        if (platform.equals("matrix")) {
            for (String key : List.of("homeserver_url", "user_id")) {
                if (!isSet(s.get(key))) {
                    problems.error(settingsPath + "." + key, "is required for platform matrix");
                }
            }
            requireSecret(s, "access_token", platform, settingsPath, problems);
        }
    }

    private static void requireSecret(Map<String, Object> s, String key, String platform, String settingsPath,
                                      ConfigProblems problems) {
        if (!isSet(s.get(key)) && !isSet(s.get(key + "_env"))) {
            problems.error(settingsPath + "." + key,
                    "is required for platform " + platform + " (" + key + " or " + key + "_env)");
        }
    }

    private static String imId(String platform, String instance) {
        return "im:" + platform + ":" + instance;
    }

    /** Ids must be unique across {@code sources} (im ids derived) and {@code cron.jobs}: one namespace. */
    static void crossCheck(Map<String, Object> values, ConfigProblems problems) {
        Map<String, String> seen = new HashMap<>();
        Map<String, String> webhookRoutes = new HashMap<>();
        if (values.get("sources") instanceof List<?> sources) {
            for (int i = 0; i < sources.size(); i++) {
                if (!(sources.get(i) instanceof Map<?, ?> source)) {
                    continue;
                }
                String path = "sources[" + i + "]";
                String id = effectiveId(source);
                if (id != null) {
                    checkUnique(id, path, seen, problems);
                }
                if ("webhook".equals(source.get("type")) && !Boolean.FALSE.equals(source.get("enabled"))
                        && source.get("settings") instanceof Map<?, ?> settings) {
                    checkWebhookRoute(settings, path, webhookRoutes, problems);
                }
            }
        }
        if (values.get("cron.jobs") instanceof List<?> jobs) {
            for (int i = 0; i < jobs.size(); i++) {
                if (jobs.get(i) instanceof Map<?, ?> job && job.get("id") instanceof String id && !id.isEmpty()) {
                    checkUnique(id, "cron.jobs[" + i + "]", seen, problems);
                }
            }
        }
    }

    private static void checkUnique(String id, String itemPath, Map<String, String> seen, ConfigProblems problems) {
        String first = seen.putIfAbsent(id, itemPath);
        if (first != null) {
            problems.error(itemPath + ".id", "duplicate id \"" + id + "\" (also " + first + ")");
        }
    }

    /** Webhook sources may share a listener only with different paths (FORMATS §2.7.14). */
    private static void checkWebhookRoute(Map<?, ?> settings, String itemPath, Map<String, String> routes,
                                          ConfigProblems problems) {
        HostPort bind = text(settings.get("bind")) instanceof String b ? HostPort.parse(b) : null;
        Object pathValue = text(settings.get("path"));
        String path = pathValue == null ? "/" : pathValue.toString();
        if (bind == null || bind.port() == 0) {
            return; // invalid binds are reported per item; port 0 listeners never collide
        }
        String route = bind + path;
        String first = routes.putIfAbsent(route, itemPath);
        if (first != null) {
            problems.error(itemPath + ".settings.path",
                    "bind " + bind + " with path " + path + " is already used by " + first);
        }
    }

    /** The id a source is known by: {@code id}, or for im the derived one; null if neither can be told. */
    private static String effectiveId(Map<?, ?> source) {
        String id = source.get("id") instanceof String s ? s : "";
        if (!id.isEmpty() || !"im".equals(source.get("type"))) {
            return id.isEmpty() ? null : id;
        }
        if (!(source.get("settings") instanceof Map<?, ?> settings)) {
            return null;
        }
        Object platform = text(settings.get("platform"));
        Object instance = settings.get("instance") == null ? "default" : text(settings.get("instance"));
        return platform instanceof String p && instance instanceof String i ? imId(p, i) : null;
    }

    private static String checkOptionalId(Object value) {
        String id = value.toString();
        return id.isEmpty() || SOURCE_ID.matcher(id).matches()
                ? null : "must match " + SOURCE_ID + ", got \"" + Rule.abbreviate(id) + "\"";
    }

    private static String checkFileEvents(Object value) {
        for (Object event : (List<?>) value) {
            if (!FILE_EVENTS.contains(event.toString())) {
                return "entries must be created, changed or deleted, got \"" + Rule.abbreviate(event.toString()) + "\"";
            }
        }
        return null;
    }

    private static boolean isSet(Object value) {
        return value instanceof String s && !s.isEmpty();
    }

    private static Object text(Object value) {
        return value instanceof ValueConverter.TextValue tv ? tv.text() : value;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

}
