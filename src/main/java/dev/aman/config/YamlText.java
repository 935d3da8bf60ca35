package dev.aman.config;

import java.util.List;
import java.util.Map;

/**
 * Writes simple YAML: block mappings, scalars and flow lists. Scalars are written as JSON literals, which
 * are valid YAML 1.2 flow scalars, so strings like {@code yes} or {@code 0123} keep their type.
 */
final class YamlText {
    private YamlText() {
    }

    static void write(Map<?, ?> tree, int indent, StringBuilder out) {
        tree.forEach((k, v) -> {
            out.append("  ".repeat(indent)).append(key(String.valueOf(k))).append(':');
            if (v instanceof Map<?, ?> m && !m.isEmpty()) {
                out.append('\n');
                write(m, indent + 1, out);
            } else {
                out.append(' ').append(scalar(v)).append('\n');
            }
        });
    }

    static String key(String k) {
        return k.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*") ? k : json(k);
    }

    static String scalar(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean || v instanceof Number) {
            return v.toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(scalar(l.get(i)));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(i++ == 0 ? "" : ", ").append(json(String.valueOf(e.getKey()))).append(": ").append(scalar(e.getValue()));
            }
            return sb.append('}').toString();
        }
        return json(v.toString());
    }

    static String json(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
