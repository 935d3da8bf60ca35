package dev.aman.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders the effective configuration as YAML for {@code aman config show} (FORMATS §3.3): secrets masked,
 * and every key whose value does not come from the defaults followed by a comment naming its layer.
 */
public final class ConfigPrinter {
    private ConfigPrinter() {
    }

    public static String render(AmanConfig config) {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (KeyDef def : config.schema().keys()) {
            Setting s = config.setting(def.path());
            Object shown = SecretRedactor.displayValue(def, s.value());
            String comment = s.layer() == Layer.DEFAULT ? null : "# " + s.origin();
            put(tree, def.path().split("\\."), new Leaf(shown, comment));
        }
        StringBuilder out = new StringBuilder();
        write(tree, 0, out);
        return out.toString();
    }

    private record Leaf(Object value, String comment) {
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> tree, String[] parts, Leaf leaf) {
        Map<String, Object> node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        node.put(parts[parts.length - 1], leaf);
    }

    @SuppressWarnings("unchecked")
    private static void write(Map<String, Object> tree, int indent, StringBuilder out) {
        tree.forEach((k, v) -> {
            out.append("  ".repeat(indent)).append(YamlText.key(k)).append(':');
            if (v instanceof Leaf leaf) {
                out.append(' ').append(YamlText.scalar(leaf.value()));
                if (leaf.comment() != null) {
                    out.append("  ").append(leaf.comment());
                }
                out.append('\n');
            } else {
                out.append('\n');
                write((Map<String, Object>) v, indent + 1, out);
            }
        });
    }
}
