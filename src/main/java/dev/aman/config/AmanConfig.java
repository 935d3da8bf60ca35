package dev.aman.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective, validated configuration: one immutable snapshot. Runtime changes build a new snapshot
 * ({@link #withSettings}) that {@link ConfigService} swaps in atomically; holders of an old snapshot keep a
 * consistent view ("takes effect for work that starts after the call").
 */
public final class AmanConfig {
    private final ConfigSchema schema;
    private final Path home;
    private final Path configFile;
    private final Map<String, Setting> settings;
    /** Defaults + file layer only: what a key falls back to when its runtime override is removed. */
    private final Map<String, Setting> base;

    AmanConfig(ConfigSchema schema, Path home, Path configFile, Map<String, Setting> settings,
               Map<String, Setting> base) {
        this.schema = schema;
        this.home = home;
        this.configFile = configFile;
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        this.base = Collections.unmodifiableMap(new LinkedHashMap<>(base));
    }

    AmanConfig withSettings(Map<String, Setting> changed) {
        Map<String, Setting> copy = new LinkedHashMap<>(settings);
        copy.putAll(changed);
        return new AmanConfig(schema, home, configFile, copy, base);
    }

    Setting baseSetting(String key) {
        return base.get(key);
    }

    public ConfigSchema schema() {
        return schema;
    }

    public Path home() {
        return home;
    }

    /** The config file that was read, or null when none was. */
    public Path configFile() {
        return configFile;
    }

    public Map<String, Setting> settings() {
        return settings;
    }

    public Setting setting(String key) {
        Setting s = settings.get(key);
        if (s == null) {
            throw new IllegalArgumentException("unknown config key " + key);
        }
        return s;
    }

    public Object value(String key) {
        return setting(key).value();
    }

    public String string(String key) {
        return (String) value(key);
    }

    public long longValue(String key) {
        return ((Number) value(key)).longValue();
    }

    public int intValue(String key) {
        return Math.toIntExact(longValue(key));
    }

    public double doubleValue(String key) {
        return ((Number) value(key)).doubleValue();
    }

    public boolean bool(String key) {
        return (Boolean) value(key);
    }

    @SuppressWarnings("unchecked")
    public List<String> stringList(String key) {
        return (List<String>) value(key);
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> items(String key) {
        return (List<Map<String, Object>>) value(key);
    }

    /** A configured path, or null when the key is the empty string. */
    public Path path(String key) {
        String p = string(key);
        return p.isEmpty() ? null : Path.of(p);
    }

    public HttpConfig http() {
        return HttpConfig.from(this);
    }

    public RuntimeSettings runtime() {
        return RuntimeSettings.from(this);
    }

    public StorageConfig storage() {
        return StorageConfig.from(this);
    }

    public LoggingConfig logging() {
        return LoggingConfig.from(this);
    }

    /** Absolute paths of the home layout (FORMATS §1.2). */
    public Path dataDir() {
        return home.resolve("data");
    }

    public Path logsDir() {
        return home.resolve("logs");
    }
}
