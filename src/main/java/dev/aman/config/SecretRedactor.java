package dev.aman.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Masks secrets (FORMATS §2.6) wherever configuration or log text is shown. Holds the configured secret
 * values of one daemon so that log lines containing them are masked even when they appear verbatim;
 * immutable and thread-safe.
 */
public final class SecretRedactor {
    public static final String MASK = "***";
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\"',;]+");
    private static final Pattern QUERY_TOKEN = Pattern.compile("(?i)([?&](?:token|access_token|api_key|apikey|password)=)[^&\\s\"]+");
    private static final Pattern HEADER_TOKEN = Pattern.compile("(?i)(x-aman-token[\"']?\\s*[:=]\\s*[\"']?)[^\\s\"',;]+");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@\\s]+:)[^@/\\s]+(@)");

    private final List<String> secrets;

    public SecretRedactor(List<String> secretValues) {
        List<String> s = new ArrayList<>();
        for (String v : secretValues) {
            if (v != null && v.length() >= 4) {
                s.add(v);
            }
        }
        s.sort(Comparator.comparingInt(String::length).reversed());
        this.secrets = List.copyOf(s);
    }

    /** Every non-empty secret value of the configuration (tokens, passwords, API keys, headers). */
    public static SecretRedactor forConfig(AmanConfig config, Map<String, String> env) {
        List<String> values = new ArrayList<>();
        for (KeyDef def : config.schema().keys()) {
            Object v = config.value(def.path());
            if (def.secret() && v instanceof String s) {
                values.add(s);
            }
            if (def.type() == KeyType.ITEMS && v instanceof List<?> items) {
                for (Object item : items) {
                    collectItemSecrets(def, item, values);
                }
            }
        }
        String url = config.string("storage.url");
        var m = URL_PASSWORD.matcher(url);
        if (m.find()) {
            values.add(url.substring(m.end(1), m.start(2)));
        }
        env.forEach((k, v) -> {
            String upper = k.toUpperCase(Locale.ROOT);
            if (upper.startsWith("AMAN_") && (upper.contains("TOKEN") || upper.contains("KEY") || upper.contains("SECRET")
                    || upper.contains("PASSWORD"))) {
                values.add(v);
            }
        });
        return new SecretRedactor(values);
    }

    private static void collectItemSecrets(KeyDef def, Object item, List<String> out) {
        if (!(item instanceof Map<?, ?> m)) {
            return;
        }
        for (KeyDef field : def.itemFields()) {
            Object v = m.get(field.path());
            if (field.secret() && v instanceof String s) {
                out.add(s);
            }
            if (field.path().equals("headers") && v instanceof Map<?, ?> headers) {
                headers.values().forEach(h -> out.add(String.valueOf(h)));
            }
            if (field.path().equals("settings") && v instanceof Map<?, ?> settings) {
                settings.forEach((k, sv) -> {
                    if (isSecretName(String.valueOf(k)) && sv instanceof String s) {
                        out.add(s);
                    }
                });
            }
        }
    }

    /** Names of secret-bearing keys in free-form settings (FORMATS §2.6). */
    public static boolean isSecretName(String lastSegment) {
        String n = lastSegment.toLowerCase(Locale.ROOT);
        if (n.endsWith("_env")) {
            return false;
        }
        return n.contains("token") || n.contains("secret") || n.contains("password") || n.contains("key")
                || n.contains("credential");
    }

    /** Masks configured secret values and well-known credential shapes in free text. */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : secrets) {
            if (out.contains(s)) {
                out = out.replace(s, MASK);
            }
        }
        out = BEARER.matcher(out).replaceAll("$1" + MASK);
        out = QUERY_TOKEN.matcher(out).replaceAll("$1" + MASK);
        out = HEADER_TOKEN.matcher(out).replaceAll("$1" + MASK);
        out = URL_PASSWORD.matcher(out).replaceAll("$1" + MASK + "$2");
        return out;
    }

    /** A configuration value for display: secrets become {@code "***"} (or {@code ""} when empty). */
    public static Object displayValue(KeyDef def, Object value) {
        if (def.secret()) {
            return value == null || value.toString().isEmpty() ? "" : MASK;
        }
        if (value instanceof HostPort hp) {
            return hp.toString();
        }
        if (def.type() == KeyType.ITEMS && value instanceof List<?> items) {
            List<Object> out = new ArrayList<>();
            for (Object item : items) {
                out.add(maskItem(def, item));
            }
            return out;
        }
        if (def.path().equals("plugins.settings") && value instanceof Map<?, ?> m) {
            return maskFree(m);
        }
        return value;
    }

    private static Object maskItem(KeyDef def, Object item) {
        if (!(item instanceof Map<?, ?> m)) {
            return item;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            String key = String.valueOf(k);
            KeyDef field = def.itemFields().stream().filter(f -> f.path().equals(key)).findFirst().orElse(null);
            if (field != null && field.secret()) {
                out.put(key, v == null || v.toString().isEmpty() ? "" : MASK);
            } else if (key.equals("headers") && v instanceof Map<?, ?> h) {
                Map<String, Object> masked = new LinkedHashMap<>();
                h.forEach((hk, hv) -> masked.put(String.valueOf(hk), MASK));
                out.put(key, masked);
            } else if (key.equals("settings") && v instanceof Map<?, ?> s) {
                out.put(key, maskFree(s));
            } else {
                out.put(key, v instanceof HostPort hp ? hp.toString() : v);
            }
        });
        return out;
    }

    private static Map<String, Object> maskFree(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (v instanceof Map<?, ?> nested) {
                out.put(key, maskFree(nested));
            } else if (isSecretName(key) && v != null) {
                out.put(key, v.toString().isEmpty() ? "" : MASK);
            } else {
                out.put(key, v);
            }
        });
        return out;
    }
}
