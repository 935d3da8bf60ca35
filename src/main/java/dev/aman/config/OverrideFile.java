package dev.aman.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code <home>/data/config.override.yaml}: values set through {@code POST /config/set}. The file uses the
 * key syntax of config.yaml plus a top-level {@code revision} counter (see docs/configuration.md), and
 * is always rewritten atomically (temporary file, then rename).
 */
public final class OverrideFile {
    private OverrideFile() {
    }

    public static Path path(Path home) {
        return home.resolve("data").resolve("config.override.yaml");
    }

    /** Current contents: revision plus flat key → raw value (as read from YAML). */
    public record Contents(long revision, Map<String, Object> values, Object sourceSettings) {
    }

    public static Contents read(Path home) {
        Path file = path(home);
        if (!Files.isRegularFile(file)) {
            return new Contents(0, Map.of(), null);
        }
        try {
            Object doc = YamlReader.readFile(file);
            if (!(doc instanceof Map<?, ?> root)) {
                return new Contents(0, Map.of(), null);
            }
            long revision = root.get("revision") instanceof Number n ? n.longValue() : 0;
            Map<String, Object> flat = new TreeMap<>();
            flatten(root, "", flat);
            flat.remove("revision");
            flat.keySet().removeIf(k -> k.startsWith("source_settings"));
            return new Contents(revision, flat, root.get("source_settings"));
        } catch (YamlReader.YamlException e) {
            return new Contents(0, Map.of(), null);
        }
    }

    private static void flatten(Map<?, ?> node, String prefix, Map<String, Object> out) {
        node.forEach((k, v) -> {
            String path = prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k;
            if (v instanceof Map<?, ?> m && !path.equals("security.tools.approval") && !path.startsWith("source_settings")) {
                flatten(m, path, out);
            } else {
                out.put(path, v);
            }
        });
    }

    /** Writes the whole file atomically. Values are JSON-compatible (String, Number, Boolean, List, Map). */
    public static void write(Path home, long revision, Map<String, Object> values, Object sourceSettings) throws IOException {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("revision", revision);
        for (Map.Entry<String, Object> e : new TreeMap<>(values).entrySet()) {
            put(tree, e.getKey().split("\\."), e.getValue());
        }
        if (sourceSettings != null) {
            tree.put("source_settings", sourceSettings);
        }
        StringBuilder text = new StringBuilder("# Written by aman (POST /config/set). Do not edit while aman runs.\n");
        YamlText.write(tree, 0, text);
        atomicWrite(path(home), text.toString());
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> tree, String[] parts, Object value) {
        Map<String, Object> node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        node.put(parts[parts.length - 1], value);
    }

    /** Temporary file in the same directory, fsync, then rename over the target. */
    public static void atomicWrite(Path target, String content) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
