package dev.aman.config;

import java.util.Map;

/** Expands {@code ${NAME}} and {@code ${NAME:-fallback}} in config.yaml strings (FORMATS §2.4). */
final class Placeholders {
    private Placeholders() {
    }

    /** An unset variable was referenced without a fallback. */
    static final class Missing extends Exception {
        final String name;

        Missing(String name) {
            super(name, null, false, false);
            this.name = name;
        }
    }

    /** Returns null when the text holds no placeholder (so the caller keeps YAML typing). */
    static String expand(String text, Map<String, String> env) throws Missing {
        if (!text.contains("${")) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        boolean any = false;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
                any = true;
                continue;
            }
            if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end > 0) {
                    String body = text.substring(i + 2, end);
                    String name = body;
                    String fallback = null;
                    int sep = body.indexOf(":-");
                    if (sep >= 0) {
                        name = body.substring(0, sep);
                        fallback = body.substring(sep + 2);
                    }
                    if (name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                        String value = env.get(name);
                        if (fallback != null && (value == null || value.isEmpty())) {
                            value = fallback;
                        }
                        if (value == null) {
                            throw new Missing(name);
                        }
                        out.append(value);
                        i = end + 1;
                        any = true;
                        continue;
                    }
                }
            }
            out.append(text.charAt(i));
            i++;
        }
        return any ? out.toString() : null;
    }
}
