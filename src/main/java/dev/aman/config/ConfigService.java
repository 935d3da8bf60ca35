package dev.aman.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Owns the live configuration snapshot and applies {@code POST /config/set} changes (FORMATS §2.5):
 * validate everything first, persist to the override file, then swap the snapshot and notify listeners.
 *
 * <p>Thread-safety: reads are lock-free through an {@link AtomicReference}; changes are serialised by a
 * {@link ReentrantLock} (held around file I/O, so not {@code synchronized}).
 */
public final class ConfigService {
    private final AtomicReference<AmanConfig> current;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final List<Consumer<AmanConfig>> listeners = new CopyOnWriteArrayList<>();
    private long revision;

    public ConfigService(AmanConfig initial) {
        this.current = new AtomicReference<>(initial);
        this.revision = OverrideFile.read(initial.home()).revision();
    }

    public AmanConfig current() {
        return current.get();
    }

    public long revision() {
        writeLock.lock();
        try {
            return revision;
        } finally {
            writeLock.unlock();
        }
    }

    /** Keys currently set through the API (override layer), sorted. */
    public List<String> overriddenKeys() {
        return current().settings().entrySet().stream().filter(e -> e.getValue().layer() == Layer.OVERRIDE)
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** Called after every applied change with the new snapshot (e.g. to change the log level). */
    public void onChange(Consumer<AmanConfig> listener) {
        listeners.add(listener);
    }

    /** One applied key: display values are already masked. */
    public record Change(String key, Object oldValue, Object newValue) {
    }

    public record Applied(long revision, Map<String, Object> applied, List<Change> changes) {
    }

    /**
     * Applies {@code changes} (dotted key → JSON-compatible value, null = remove the override).
     *
     * @throws ConfigChangeException for every refusal; nothing is applied then
     */
    public Applied set(Map<String, Object> changes, Long expectedRevision) {
        if (changes == null || changes.isEmpty()) {
            throw new ConfigChangeException(ConfigChangeException.Kind.CHANGES_REQUIRED, "changes required");
        }
        changes = withAlias(changes, "runtime.force_enable_debug_endpoints", "security.risky_capabilities_enabled");
        writeLock.lock();
        try {
            AmanConfig config = current.get();
            ValueConverter converter = new ValueConverter(config.home(), java.nio.file.Path.of(System.getProperty("user.home")));
            Map<String, Setting> next = new LinkedHashMap<>();
            Map<String, Object> rawOverrides = new TreeMap<>(OverrideFile.read(config.home()).values());
            for (Map.Entry<String, Object> e : new TreeMap<>(changes).entrySet()) {
                String key = e.getKey();
                KeyDef def = config.schema().key(key).orElseThrow(() -> new ConfigChangeException(
                        ConfigChangeException.Kind.UNKNOWN_KEY, "unknown config key: " + key));
                if (!def.hot()) {
                    throw new ConfigChangeException(ConfigChangeException.Kind.NOT_HOT, "key is not hot-reloadable: " + key);
                }
                Setting now = config.setting(key);
                if (now.layer() == Layer.ENV) {
                    throw new ConfigChangeException(ConfigChangeException.Kind.PINNED,
                            "key is set by environment variable " + now.origin().substring("env ".length()));
                }
                if (now.layer() == Layer.FLAG) {
                    throw new ConfigChangeException(ConfigChangeException.Kind.PINNED, "key is set by " + now.origin());
                }
                if (e.getValue() == null) {
                    next.put(key, config.baseSetting(key));
                    rawOverrides.remove(key);
                    continue;
                }
                try {
                    next.put(key, new Setting(converter.convert(def, e.getValue(), false), Layer.OVERRIDE, "override"));
                    rawOverrides.put(key, e.getValue());
                } catch (ValueConverter.Invalid ex) {
                    throw new ConfigChangeException(ConfigChangeException.Kind.INVALID_VALUE,
                            "invalid request: " + key + " " + ex.getMessage());
                }
            }
            AmanConfig candidate = config.withSettings(next);
            List<String> errors = ConfigLoader.crossCheckErrors(candidate.settings());
            if (!errors.isEmpty()) {
                throw new ConfigChangeException(ConfigChangeException.Kind.INVALID_VALUE, "invalid request: " + errors.get(0));
            }
            if (expectedRevision != null && expectedRevision != revision) {
                throw new ConfigChangeException(ConfigChangeException.Kind.REVISION_CONFLICT, "config revision conflict",
                        expectedRevision, revision);
            }
            long newRevision = revision + 1;
            try {
                OverrideFile.write(config.home(), newRevision, rawOverrides,
                        OverrideFile.read(config.home()).sourceSettings());
            } catch (IOException ex) {
                throw new UncheckedIOException("write config.override.yaml", ex);
            }
            revision = newRevision;
            current.set(candidate);
            Map<String, Object> applied = new LinkedHashMap<>();
            List<Change> changeList = new ArrayList<>();
            for (String key : new TreeMap<>(changes).keySet()) {
                Object oldValue = display(config, key);
                Object newValue = display(candidate, key);
                applied.put(key, newValue);
                changeList.add(new Change(key, oldValue, newValue));
            }
            for (Consumer<AmanConfig> l : listeners) {
                l.accept(candidate);
            }
            return new Applied(newRevision, applied, changeList);
        } finally {
            writeLock.unlock();
        }
    }

    /** Setting one of two alias keys sets both (FORMATS §2.7.2); both with different values stays an error. */
    private static Map<String, Object> withAlias(Map<String, Object> changes, String a, String b) {
        if (changes.containsKey(a) == changes.containsKey(b)) {
            return changes;
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>(changes);
        if (changes.containsKey(a)) {
            out.put(b, changes.get(a));
        } else {
            out.put(a, changes.get(b));
        }
        return out;
    }

    /** A value as shown to clients: secrets masked, host:port as text. */
    public static Object display(AmanConfig config, String key) {
        Setting s = config.setting(key);
        KeyDef def = config.schema().key(key).orElseThrow();
        return SecretRedactor.displayValue(def, s.value());
    }
}
