package dev.aman.config;

import java.util.List;

/**
 * One configuration key of FORMATS §2.7: its dotted path, type, default, validation and whether it is
 * hot (changeable through {@code POST /config/set}). For {@link KeyType#ITEMS} the item fields are
 * KeyDefs whose paths are relative to the item ({@code name}, {@code timeouts.connect_ms}).
 *
 * @param defaultValue the default in its raw YAML form (converted like file input), or {@code null}
 * @param nullable     {@code null} is a legal value (e.g. {@code event_bus.default_ttl_ms})
 * @param required     only meaningful for item fields
 */
public record KeyDef(String path, KeyType type, Object defaultValue, boolean hot, Rule rule,
                     List<String> enumValues, boolean nullable, boolean required, List<KeyDef> itemFields,
                     ItemCheck itemCheck) {

    public KeyDef {
        rule = rule == null ? Rule.none() : rule;
        enumValues = enumValues == null ? List.of() : List.copyOf(enumValues);
        itemFields = itemFields == null ? List.of() : List.copyOf(itemFields);
    }

    public boolean secret() {
        return type == KeyType.SECRET;
    }

    /** Cross-field validation of one list item, after its fields were converted. */
    @FunctionalInterface
    public interface ItemCheck {
        void check(java.util.Map<String, Object> item, String itemPath, ConfigProblems problems);
    }

    // ---- compact factories: the key tables in *Keys classes read like the spec tables ----

    public static KeyDef key(String path, KeyType type, Object def, boolean hot, Rule rule) {
        return new KeyDef(path, type, def, hot, rule, null, false, false, null, null);
    }

    public static KeyDef hot(String path, KeyType type, Object def, Rule rule) {
        return key(path, type, def, true, rule);
    }

    public static KeyDef cold(String path, KeyType type, Object def, Rule rule) {
        return key(path, type, def, false, rule);
    }

    public static KeyDef enumKey(String path, String def, boolean hot, String... values) {
        return new KeyDef(path, KeyType.ENUM, def, hot, null, List.of(values), false, false, null, null);
    }

    public static KeyDef items(String path, boolean hot, List<KeyDef> fields, ItemCheck check) {
        return new KeyDef(path, KeyType.ITEMS, List.of(), hot, null, null, false, false, fields, check);
    }

    /** An item field that must be present. */
    public KeyDef asRequired() {
        return new KeyDef(path, type, defaultValue, hot, rule, enumValues, nullable, true, itemFields, itemCheck);
    }

    public KeyDef asNullable() {
        return new KeyDef(path, type, defaultValue, hot, rule, enumValues, true, required, itemFields, itemCheck);
    }

    /** The environment variable that sets this key: {@code http.bind} → {@code AMAN_HTTP_BIND}. */
    public String envName() {
        return "AMAN_" + path.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    }
}
