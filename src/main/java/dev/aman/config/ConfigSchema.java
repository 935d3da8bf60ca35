package dev.aman.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The table of known configuration keys (FORMATS §2.7). Immutable; built once from the per-section key
 * tables. Lookups by dotted path and by {@code AMAN_*} environment name.
 */
public final class ConfigSchema {
    private final Map<String, KeyDef> byPath = new LinkedHashMap<>();
    private final Map<String, KeyDef> byEnv = new LinkedHashMap<>();

    private ConfigSchema(Collection<KeyDef> defs) {
        for (KeyDef def : defs) {
            if (byPath.put(def.path(), def) != null) {
                throw new IllegalStateException("duplicate config key " + def.path());
            }
            if (def.type().envSettable()) {
                byEnv.put(def.envName(), def);
            }
        }
    }

    /** The full aman key tree. */
    public static ConfigSchema standard() {
        List<KeyDef> all = new ArrayList<>();
        all.addAll(CoreKeys.all());
        all.addAll(BusKeys.all());
        all.addAll(ComponentKeys.all());
        all.addAll(SecurityKeys.all());
        all.addAll(LlmKeys.all());
        all.addAll(SourceKeys.all());
        return new ConfigSchema(all);
    }

    public Optional<KeyDef> key(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    public Optional<KeyDef> byEnvName(String envName) {
        return Optional.ofNullable(byEnv.get(envName));
    }

    public Collection<KeyDef> keys() {
        return byPath.values();
    }

    /** True when some key lives below this dotted prefix (so the prefix is a section, not a leaf). */
    boolean isSection(String prefix) {
        String p = prefix + ".";
        return byPath.keySet().stream().anyMatch(k -> k.startsWith(p));
    }

    /** Top-level section names, for "unknown env var in a known section" warnings. */
    List<String> sectionEnvPrefixes() {
        return byPath.keySet().stream().map(k -> k.contains(".") ? k.substring(0, k.indexOf('.')) : k)
                .distinct().map(s -> "AMAN_" + s.toUpperCase(java.util.Locale.ROOT) + "_").toList();
    }
}
