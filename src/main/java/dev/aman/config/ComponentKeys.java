package dev.aman.config;

import static dev.aman.config.KeyDef.cold;
import static dev.aman.config.KeyDef.enumKey;
import static dev.aman.config.KeyDef.hot;
import static dev.aman.config.KeyDef.items;
import static dev.aman.config.KeyType.BOOL;
import static dev.aman.config.KeyType.INT;
import static dev.aman.config.KeyType.MAP;
import static dev.aman.config.KeyType.OBJECT;
import static dev.aman.config.KeyType.PATH;
import static dev.aman.config.KeyType.SIZE;
import static dev.aman.config.KeyType.STRING;
import static dev.aman.config.KeyType.STRING_LIST;

import java.time.ZoneId;
import java.util.HashMap;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keys of FORMATS §2.7.7–§2.7.10 and §2.7.15–§2.7.17: {@code skills}, {@code soul}, {@code workflows},
 * {@code plugins}, {@code cron} (with the job items of §8.4), {@code notifications}, {@code info_hub}.
 *
 * <p>Cron expressions are only checked to be non-blank here; the cron parser validates their syntax when
 * the job is scheduled. Id uniqueness across cron jobs and sources is checked by {@link SourceKeys}.
 */
final class ComponentKeys {
    private static final Pattern SOURCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:_.-]{0,127}");
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:_.-]{0,127}");
    private static final Pattern PLUGIN_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    /** Namespaces no configured producer may publish into (FORMATS §4.1). */
    private static final List<String> RESERVED_NAMESPACES = List.of("runtime:", "agent:", "tool:", "llm:",
            "session:", "chat:", "workflow:", "skill:", "plugin:", "dlq:", "notification:");

    private ComponentKeys() {
    }

    static List<KeyDef> all() {
        return List.of(
                cold("skills.dir", PATH, "skills", null),
                hot("skills.hot_reload.enabled", BOOL, true, null),
                hot("skills.hot_reload.debounce_ms", INT, 500, Rule.range(50, 60_000)),
                hot("skills.history.max_versions", INT, 50, Rule.range(1, 10_000)),
                hot("skills.max_file_bytes", SIZE, "1MiB", null),
                hot("skills.prompt_index.enabled", BOOL, true, null),
                hot("skills.prompt_index.max_entries", INT, 200, Rule.range(0, 10_000)),

                cold("soul.file", PATH, "SOUL.md", null),
                hot("soul.hot_reload", BOOL, true, null),
                hot("soul.check_chat_input", BOOL, false, null),

                cold("workflows.dir", PATH, "workflows", null),
                hot("workflows.hot_reload", BOOL, true, null),
                hot("workflows.retention_days", INT, 30, Rule.range(1, 3650)),

                cold("plugins.dir", PATH, "plugins", null),
                cold("plugins.allow_in_process", BOOL, false, null),
                hot("plugins.install.max_archive_bytes", SIZE, "50MiB", null),
                hot("plugins.install.max_unpacked_bytes", SIZE, "100MiB", null),
                hot("plugins.install.max_entries", INT, 10_000, Rule.atLeast(1)),
                hot("plugins.restart.initial_backoff_ms", INT, 1000, Rule.range(100, 600_000)),
                hot("plugins.restart.max_backoff_ms", INT, 60_000, Rule.atLeast(100)),
                hot("plugins.restart.max_restarts", INT, 5, Rule.atLeast(0)),
                hot("plugins.restart.window_sec", INT, 600, Rule.range(10, 86_400)),
                hot("plugins.call_timeout_ms", INT, 30_000, Rule.range(100, 3_600_000)),
                hot("plugins.health_interval_sec", INT, 30, Rule.atLeast(0)),
                cold("plugins.max_message_bytes", SIZE, "4MiB", null),
                hot("plugins.max_in_flight", INT, 64, Rule.atLeast(1)),
                cold("plugins.settings", MAP, Map.of(), null),

                hot("cron.default_timezone", STRING, "UTC", ComponentKeys::checkZone),
                hot("cron.catch_up_window_sec", INT, 86_400, Rule.range(60, 31_536_000)),
                hot("cron.max_catch_up_runs", INT, 100, Rule.range(1, 10_000)),
                items("cron.jobs", false, jobFields(), null),

                hot("notifications.retention_days", INT, 30, Rule.range(1, 3650)),
                hot("notifications.max_entries", INT, 5000, Rule.range(100, 1_000_000)),
                hot("notifications.backpressure_min_level", INT, 3, Rule.range(1, 4)),
                hot("notifications.coalesce_sec", INT, 60, Rule.range(0, 3600)),

                items("info_hub.sources", false, feedFields(), null),
                hot("info_hub.fetch_timeout_sec", INT, 20, Rule.range(1, 300)),
                hot("info_hub.min_score", INT, 20, Rule.range(0, 30)),
                hot("info_hub.language", STRING, "en", ComponentKeys::checkLanguage),
                hot("info_hub.agent_id", STRING, "", null));
    }

    /** FORMATS §8.4. Empty {@code timezone} and null {@code catch_up_window_sec} mean the {@code cron.*} default. */
    private static List<KeyDef> jobFields() {
        return List.of(
                cold("id", STRING, null, Rule.requiredMatch(SOURCE_ID)).asRequired(),
                cold("expression", STRING, null, Rule.nonBlank()).asRequired(),
                cold("timezone", STRING, "", v -> v.toString().isEmpty() ? null : checkZone(v)),
                enumKey("catch_up", "latest", false, "skip", "latest", "all"),
                cold("catch_up_window_sec", INT, null, Rule.range(60, 31_536_000)).asNullable(),
                cold("enabled", BOOL, true, null),
                cold("event_type", STRING, "cron_tick", ComponentKeys::checkJobEventType),
                cold("payload", OBJECT, Map.of(), null),
                enumKey("priority", "normal", false, "high", "normal", "low"),
                cold("agent_id", STRING, "", null),
                cold("description", STRING, "", ComponentKeys::checkDescription));
    }

    /** FORMATS §2.7.17 source item. Empty {@code name} means the {@code id}. */
    private static List<KeyDef> feedFields() {
        return List.of(
                cold("id", STRING, null, Rule.requiredMatch(SOURCE_ID)).asRequired(),
                cold("name", STRING, "", null),
                enumKey("kind", null, false, "rss", "atom", "json_feed").asRequired(),
                cold("url", STRING, null, Rule.httpUrl(false)).asRequired(),
                cold("tags", STRING_LIST, List.of(), null),
                cold("max_items", INT, 20, Rule.range(1, 200)),
                cold("enabled", BOOL, true, null));
    }

    static void crossCheck(Map<String, Object> values, ConfigProblems problems) {
        if (values.get("plugins.restart.initial_backoff_ms") instanceof Long initial
                && values.get("plugins.restart.max_backoff_ms") instanceof Long max && max < initial) {
            problems.error("plugins.restart.max_backoff_ms",
                    "must be at least plugins.restart.initial_backoff_ms (" + initial + "), got " + max);
        }

        if (values.get("plugins.settings") instanceof Map<?, ?> settings) {
            settings.forEach((name, value) -> {
                String key = "plugins.settings." + name;
                if (!PLUGIN_NAME.matcher(name.toString()).matches()) {
                    problems.error(key, "must be a plugin name matching " + PLUGIN_NAME + ", got \""
                            + Rule.abbreviate(name.toString()) + "\"");
                } else if (value != null && !(value instanceof Map)) {
                    problems.error(key, "must be a mapping, got " + ValueConverter.describe(value));
                }
            });
        }

        // /explore/start names feeds by id, so an id must identify one feed
        if (values.get("info_hub.sources") instanceof List<?> feeds) {
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < feeds.size(); i++) {
                if (feeds.get(i) instanceof Map<?, ?> feed && feed.get("id") instanceof String id) {
                    Integer first = seen.putIfAbsent(id, i);
                    if (first != null) {
                        problems.error("info_hub.sources[" + i + "].id",
                                "duplicate id \"" + id + "\" (also info_hub.sources[" + first + "])");
                    }
                }
            }
        }
    }

    /**
     * An IANA region name ({@code Europe/Berlin}) or {@code UTC}. Java also knows abbreviations such as
     * {@code CET} and offsets such as {@code +02:00} or {@code UTC+2}; FORMATS §8.2 rejects those, so only
     * ids with an area prefix are accepted.
     */
    private static String checkZone(Object value) {
        String zone = value.toString();
        boolean ok = zone.equals("UTC") || (zone.contains("/") && ZoneId.getAvailableZoneIds().contains(zone));
        return ok ? null : "must be an IANA time zone name such as Europe/Berlin or UTC, got \"" + Rule.abbreviate(zone) + "\"";
    }

    private static String checkJobEventType(Object value) {
        String type = value.toString();
        if (!EVENT_TYPE.matcher(type).matches()) {
            return "must match " + EVENT_TYPE + ", got \"" + Rule.abbreviate(type) + "\"";
        }
        for (String namespace : RESERVED_NAMESPACES) {
            if (type.startsWith(namespace)) {
                return "must not use the reserved namespace " + namespace + ", got \"" + Rule.abbreviate(type) + "\"";
            }
        }
        return null;
    }

    /** The limit of {@code POST /cron/add}, which takes the same job fields. */
    private static String checkDescription(Object value) {
        int length = value.toString().length();
        return length > 500 ? "must be at most 500 characters, got " + length : null;
    }

    private static String checkLanguage(Object value) {
        String tag = value.toString();
        if (!tag.isEmpty()) {
            try {
                new Locale.Builder().setLanguageTag(tag);
                return null;
            } catch (IllformedLocaleException e) {
                // reported below
            }
        }
        return "must be a BCP-47 language tag such as en or de-CH, got \"" + Rule.abbreviate(tag) + "\"";
    }
}
