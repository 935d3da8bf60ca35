package dev.aman.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the effective configuration from the five layers of FORMATS §2.1: defaults, file, runtime
 * overrides, {@code AMAN_*} environment, flags. All problems are collected; {@link #load} throws one
 * {@link ConfigException} listing every error, and warnings are handed back with the result.
 *
 * <p>Stateless apart from its inputs; safe to use from any thread.
 */
public final class ConfigLoader {
    /** Variables with a meaning of their own (FORMATS §2.3), never mapped to keys. */
    private static final Set<String> SPECIAL_ENV = Set.of("AMAN_HOME", "AMAN_CONFIG", "AMAN_API_TOKEN",
            "AMAN_ADDR", "AMAN_OPERATOR");

    private final ConfigSchema schema;
    private final Map<String, String> env;
    private final Path userHome;

    public ConfigLoader(ConfigSchema schema, Map<String, String> env, Path userHome) {
        this.schema = schema;
        this.env = Map.copyOf(env);
        this.userHome = userHome;
    }

    /** What {@code aman run} passes from its flags; null members are absent flags. */
    public record Flags(Path configFile, String bind, String token) {
        public static Flags none() {
            return new Flags(null, null, null);
        }
    }

    /** A successful load: the configuration and the warnings to log. */
    public record Loaded(AmanConfig config, List<String> warnings) {
    }

    public Loaded load(Path home, Flags flags) {
        ConfigProblems problems = new ConfigProblems();
        ValueConverter converter = new ValueConverter(home, userHome);
        Map<String, Setting> settings = new LinkedHashMap<>();

        for (KeyDef def : schema.keys()) {
            try {
                Object value = def.type() == KeyType.ITEMS ? List.of() : converter.convert(def, def.defaultValue(), false);
                settings.put(def.path(), new Setting(value, Layer.DEFAULT, "default"));
            } catch (ValueConverter.Invalid e) {
                throw new IllegalStateException("bad default for " + def.path() + ": " + e.getMessage());
            }
        }
        if (!settings.containsKey("storage.node_id") || ((String) settings.get("storage.node_id").value()).isEmpty()) {
            settings.put("storage.node_id", new Setting(defaultNodeId(), Layer.DEFAULT, "default"));
        }

        Path configFile = resolveConfigFile(home, flags, problems);
        if (configFile != null) {
            readLayer(configFile, Layer.FILE, converter, settings, problems, true);
        }
        Map<String, Setting> base = new LinkedHashMap<>(settings);
        Path overrideFile = OverrideFile.path(home);
        if (Files.isRegularFile(overrideFile)) {
            readLayer(overrideFile, Layer.OVERRIDE, converter, settings, problems, false);
        }
        readEnv(converter, settings, problems);
        if (flags.bind() != null) {
            applyText("http.bind", flags.bind(), Layer.FLAG, "flag --bind", converter, settings, problems);
        }
        if (flags.token() != null) {
            applyText("http.token", flags.token(), Layer.FLAG, "flag --token", converter, settings, problems);
        }
        applyAliases(settings);
        crossCheck(settings, problems);
        if (configFile != null) {
            warnIfSecretsReadable(configFile, settings, problems);
        }
        if (problems.hasErrors()) {
            throw new ConfigException(problems.errors());
        }
        boolean fileExists = configFile != null;
        return new Loaded(new AmanConfig(schema, home, fileExists ? configFile : null, settings, base), problems.warnings());
    }

    /** Validates the whole configuration after runtime changes; returns the error lines. */
    public static List<String> crossCheckErrors(Map<String, Setting> settings) {
        ConfigProblems problems = new ConfigProblems();
        crossCheck(settings, problems);
        return problems.errors();
    }

    /** FORMATS §1.2: a config file holding a secret should not be readable by group or others. */
    private void warnIfSecretsReadable(Path file, Map<String, Setting> settings, ConfigProblems problems) {
        boolean secretInFile = settings.entrySet().stream().anyMatch(e -> e.getValue().layer() == Layer.FILE
                && schema.key(e.getKey()).map(KeyDef::secret).orElse(false) && !"".equals(e.getValue().value()));
        if (!secretInFile) {
            return;
        }
        try {
            var perms = Files.getPosixFilePermissions(file);
            if (perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                    || perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                problems.warn(file + " contains a secret and is readable by group or others (chmod 600 it)");
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            // permissions unknown: nothing to warn about
        }
    }

    private Path resolveConfigFile(Path home, Flags flags, ConfigProblems problems) {
        Path explicit = flags.configFile();
        String source = "--config";
        if (explicit == null && env.get("AMAN_CONFIG") != null && !env.get("AMAN_CONFIG").isBlank()) {
            explicit = expandTilde(env.get("AMAN_CONFIG"));
            source = "AMAN_CONFIG";
        }
        if (explicit != null) {
            Path abs = explicit.toAbsolutePath().normalize();
            if (!Files.isRegularFile(abs)) {
                problems.error("config", "file named by " + source + " does not exist: " + abs);
                return null;
            }
            return abs;
        }
        Path def = home.resolve("config.yaml");
        return Files.isRegularFile(def) ? def : null;
    }

    private Path expandTilde(String p) {
        return p.startsWith("~/") ? userHome.resolve(p.substring(2)) : Path.of(p);
    }

    private void readLayer(Path file, Layer layer, ValueConverter converter, Map<String, Setting> settings,
                           ConfigProblems problems, boolean expandPlaceholders) {
        Object doc;
        try {
            doc = YamlReader.readFile(file);
        } catch (YamlReader.YamlException e) {
            problems.error(layer == Layer.FILE ? "config" : "config.override", e.getMessage());
            return;
        }
        if (doc == null) {
            return;
        }
        if (!(doc instanceof Map<?, ?> root)) {
            problems.error(layer == Layer.FILE ? "config" : "config.override", "top level must be a mapping");
            return;
        }
        String origin = layer == Layer.FILE ? "file" : "override";
        new TreeWalker(converter, problems, expandPlaceholders, layer)
                .walk(root, "", (def, value) -> settings.put(def.path(), new Setting(value, layer, origin)));
    }

    private void readEnv(ValueConverter converter, Map<String, Setting> settings, ConfigProblems problems) {
        List<String> sectionPrefixes = schema.sectionEnvPrefixes();
        Map<String, String> sorted = new java.util.TreeMap<>(env);
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("AMAN_") || SPECIAL_ENV.contains(name) || name.startsWith("AMAN_PROVIDER_")
                    || name.startsWith("AMAN_TEST_")) {
                continue;
            }
            Optional<KeyDef> def = schema.byEnvName(name);
            if (def.isPresent()) {
                applyText(def.get().path(), e.getValue(), Layer.ENV, "env " + name, converter, settings, problems);
            } else if (sectionPrefixes.stream().anyMatch(name::startsWith)) {
                problems.warn("unknown environment variable " + name + " (no such config key)");
            }
        }
        String apiToken = env.get("AMAN_API_TOKEN");
        if (apiToken != null) {
            if (env.containsKey("AMAN_HTTP_TOKEN")) {
                problems.warn("both AMAN_HTTP_TOKEN and AMAN_API_TOKEN are set; AMAN_HTTP_TOKEN wins");
            } else {
                applyText("http.token", apiToken, Layer.ENV, "env AMAN_API_TOKEN", converter, settings, problems);
            }
        }
    }

    private void applyText(String path, String text, Layer layer, String origin, ValueConverter converter,
                           Map<String, Setting> settings, ConfigProblems problems) {
        KeyDef def = schema.key(path).orElseThrow();
        try {
            Object value = converter.convert(def, new ValueConverter.TextValue(text), true);
            settings.put(path, new Setting(value, layer, origin));
        } catch (ValueConverter.Invalid e) {
            problems.error(path, e.getMessage() + " (from " + origin + ")");
        }
    }

    /** {@code security.risky_capabilities_enabled} is an alias; the one set explicitly wins. */
    private static void applyAliases(Map<String, Setting> settings) {
        Setting risky = settings.get("security.risky_capabilities_enabled");
        Setting force = settings.get("runtime.force_enable_debug_endpoints");
        if (risky != null && force != null && risky.layer() != Layer.DEFAULT && force.layer() == Layer.DEFAULT) {
            settings.put("runtime.force_enable_debug_endpoints", risky);
        } else if (risky != null && force != null && force.layer() != Layer.DEFAULT && risky.layer() == Layer.DEFAULT) {
            settings.put("security.risky_capabilities_enabled", force);
        }
    }

    private static void crossCheck(Map<String, Setting> settings, ConfigProblems problems) {
        Map<String, Object> values = new LinkedHashMap<>();
        settings.forEach((k, s) -> values.put(k, s.value()));
        String cert = (String) values.get("http.tls.cert_file");
        String key = (String) values.get("http.tls.key_file");
        if (cert != null && key != null && cert.isEmpty() != key.isEmpty()) {
            problems.error("http.tls", "cert_file and key_file must be set together");
        }
        BusKeys.crossCheck(values, problems);
        ComponentKeys.crossCheck(values, problems);
        SecurityKeys.crossCheck(values, problems);
        LlmKeys.crossCheck(values, problems);
        SourceKeys.crossCheck(values, problems);
    }

    private static String defaultNodeId() {
        try {
            String host = java.net.InetAddress.getLocalHost().getHostName();
            return host.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}") ? host : "aman";
        } catch (java.io.IOException e) {
            return "aman";
        }
    }

    /** Walks one YAML layer, converting known keys and warning about unknown ones. */
    private final class TreeWalker {
        private final ValueConverter converter;
        private final ConfigProblems problems;
        private final boolean expand;
        private final Layer layer;

        TreeWalker(ValueConverter converter, ConfigProblems problems, boolean expand, Layer layer) {
            this.converter = converter;
            this.problems = problems;
            this.expand = expand;
            this.layer = layer;
        }

        void walk(Map<?, ?> node, String prefix, java.util.function.BiConsumer<KeyDef, Object> sink) {
            for (Map.Entry<?, ?> e : node.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    problems.error(prefix.isEmpty() ? "config" : prefix, "keys must be strings, got " + e.getKey());
                    continue;
                }
                String path = prefix.isEmpty() ? k : prefix + "." + k;
                if (layer == Layer.OVERRIDE && prefix.isEmpty() && (k.equals("revision") || k.equals("source_settings"))) {
                    continue;
                }
                Optional<KeyDef> def = schema.key(path);
                Object raw = e.getValue();
                if (def.isPresent()) {
                    if (raw == null) {
                        continue; // explicit null = use the default (FORMATS §2.1)
                    }
                    if (layer == Layer.OVERRIDE && !def.get().hot()) {
                        problems.warn("ignored non-hot key in config.override.yaml: " + path);
                        continue;
                    }
                    Object value = convertAt(def.get(), raw, path);
                    if (value != NO_VALUE) {
                        sink.accept(def.get(), value);
                    }
                } else if (schema.isSection(path) && (raw instanceof Map || raw == null)) {
                    if (raw != null) {
                        walk((Map<?, ?>) raw, path, sink);
                    }
                } else {
                    problems.warn("unknown config key: " + path);
                }
            }
        }

        private Object convertAt(KeyDef def, Object raw, String path) {
            try {
                Object prepared = expand ? expandAll(raw, path) : raw;
                if (prepared == NO_VALUE) {
                    return NO_VALUE;
                }
                Object value = converter.convert(def, prepared, false);
                if (def.type() == KeyType.ITEMS) {
                    return convertItems(def, (List<?>) value, path);
                }
                return value;
            } catch (ValueConverter.Invalid e) {
                problems.error(path, e.getMessage());
                return NO_VALUE;
            }
        }

        private Object expandAll(Object raw, String path) {
            try {
                return expandValue(raw);
            } catch (Placeholders.Missing m) {
                problems.error(path, "environment variable " + m.name + " is not set");
                return NO_VALUE;
            }
        }

        private Object expandValue(Object raw) throws Placeholders.Missing {
            if (raw instanceof String s) {
                String expanded = Placeholders.expand(s, env);
                return expanded == null ? s : new ValueConverter.TextValue(expanded);
            }
            if (raw instanceof Map<?, ?> m) {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.put(e.getKey(), plain(expandValue(e.getValue())));
                }
                return out;
            }
            if (raw instanceof List<?> l) {
                List<Object> out = new ArrayList<>();
                for (Object o : l) {
                    out.add(plain(expandValue(o)));
                }
                return out;
            }
            return raw;
        }

        /** Inside lists and mappings an expanded value is an ordinary string (strictly typed). */
        private Object plain(Object v) {
            return v instanceof ValueConverter.TextValue tv ? tv.text() : v;
        }

        private List<Map<String, Object>> convertItems(KeyDef def, List<?> items, String path) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                String itemPath = path + "[" + i + "]";
                Object item = items.get(i);
                if (!(item instanceof Map<?, ?> m)) {
                    problems.error(itemPath, "must be a mapping");
                    continue;
                }
                Map<String, Object> converted = new LinkedHashMap<>();
                walkItem(def.itemFields(), m, "", itemPath, converted);
                boolean complete = !converted.containsValue(INVALID_FIELD);
                for (KeyDef field : def.itemFields()) {
                    if (converted.containsKey(field.path())) {
                        continue;
                    }
                    if (field.required()) {
                        problems.error(itemPath + "." + field.path(), "is required");
                        complete = false;
                    } else {
                        try {
                            converted.put(field.path(), field.defaultValue() == null ? null
                                    : converter.convert(field, field.defaultValue(), false));
                        } catch (ValueConverter.Invalid e) {
                            throw new IllegalStateException("bad default for " + itemPath + "." + field.path());
                        }
                    }
                }
                converted.values().removeIf(v -> v == INVALID_FIELD);
                if (complete && def.itemCheck() != null) {
                    def.itemCheck().check(converted, itemPath, problems);
                }
                out.add(java.util.Collections.unmodifiableMap(converted));
            }
            return List.copyOf(out);
        }

        private void walkItem(List<KeyDef> fields, Map<?, ?> node, String prefix, String itemPath,
                              Map<String, Object> out) {
            for (Map.Entry<?, ?> e : node.entrySet()) {
                String k = String.valueOf(e.getKey());
                String rel = prefix.isEmpty() ? k : prefix + "." + k;
                Optional<KeyDef> field = fields.stream().filter(f -> f.path().equals(rel)).findFirst();
                Object raw = e.getValue();
                if (field.isPresent()) {
                    if (raw == null && !field.get().nullable()) {
                        continue;
                    }
                    try {
                        out.put(rel, converter.convert(field.get(), raw, false));
                    } catch (ValueConverter.Invalid ex) {
                        problems.error(itemPath + "." + rel, ex.getMessage());
                        out.put(rel, INVALID_FIELD);
                    }
                } else if (raw instanceof Map<?, ?> m && fields.stream().anyMatch(f -> f.path().startsWith(rel + "."))) {
                    walkItem(fields, m, rel, itemPath, out);
                } else {
                    problems.warn("unknown config key: " + itemPath + "." + rel);
                }
            }
        }
    }

    private static final Object NO_VALUE = new Object();
    private static final Object INVALID_FIELD = new Object();
}
