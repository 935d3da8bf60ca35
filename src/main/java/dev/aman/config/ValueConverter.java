package dev.aman.config;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts raw configuration input into the typed values of {@link KeyDef}s. YAML input is typed strictly
 * (FORMATS §2.2: numbers are not coerced to strings); text input (environment variables, expanded
 * placeholders) is parsed by the "environment text" column of that table.
 *
 * <p>Converted forms: BOOL Boolean, INT Long, FLOAT Double, STRING/ENUM/SECRET String, SIZE Long (bytes),
 * PATH String (absolute, or "" when empty), STRING_LIST/PATH_LIST List&lt;String&gt;, HOST_PORT HostPort,
 * MAP/OBJECT Map, ITEMS List&lt;Map&gt;.
 */
final class ValueConverter {
    private final Path home;
    private final Path userHome;

    ValueConverter(Path home, Path userHome) {
        this.home = home;
        this.userHome = userHome;
    }

    /** Thrown with the reason text when a value does not convert. */
    static final class Invalid extends Exception {
        Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    Object convert(KeyDef def, Object raw, boolean text) throws Invalid {
        if (raw == null) {
            if (def.nullable()) {
                return null;
            }
            throw new Invalid("must not be null");
        }
        if (raw instanceof TextValue tv) {
            raw = tv.text();
            text = true;
        }
        Object value = switch (def.type()) {
            case BOOL -> toBool(raw, text);
            case INT -> toInt(raw, text);
            case FLOAT -> toFloat(raw, text);
            case STRING -> toStr(raw);
            case SECRET -> toSecret(raw);
            case ENUM -> toEnum(def, raw, text);
            case SIZE -> toSize(raw);
            case PATH -> resolvePath(toStr(raw));
            case STRING_LIST -> toList(raw, text);
            case PATH_LIST -> toList(raw, text).stream().map(this::resolvePath).toList();
            case HOST_PORT -> toHostPort(raw);
            case MAP, OBJECT -> toMap(raw);
            case ITEMS -> toItems(raw);
        };
        String reason = def.rule().check(value);
        if (reason != null) {
            throw new Invalid(reason);
        }
        return value;
    }

    private static Boolean toBool(Object raw, boolean text) throws Invalid {
        if (raw instanceof Boolean b) {
            return b;
        }
        if (text && raw instanceof String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on":
                    return true;
                case "false", "0", "no", "off":
                    return false;
                default:
                    break;
            }
        }
        throw new Invalid("must be a boolean (true or false), got " + describe(raw));
    }

    private static Long toInt(Object raw, boolean text) throws Invalid {
        if (raw instanceof Integer || raw instanceof Long) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof BigInteger) {
            throw new Invalid("integer out of range");
        }
        if (text && raw instanceof String s && s.trim().matches("[+-]?\\d{1,18}")) {
            return Long.parseLong(s.trim());
        }
        throw new Invalid("must be an integer, got " + describe(raw));
    }

    private static Double toFloat(Object raw, boolean text) throws Invalid {
        if (raw instanceof Number n && !(raw instanceof BigInteger)) {
            return n.doubleValue();
        }
        if (text && raw instanceof String s) {
            try {
                double d = Double.parseDouble(s.trim());
                if (Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new Invalid("must be a number, got " + describe(raw));
    }

    private static String toStr(Object raw) throws Invalid {
        if (raw instanceof String s) {
            return s;
        }
        throw new Invalid("must be a string, got " + describe(raw));
    }

    /** Never describes the value: it may be a credential. */
    private static String toSecret(Object raw) throws Invalid {
        if (raw instanceof String s) {
            return s;
        }
        throw new Invalid("must be a string");
    }

    private static String toEnum(KeyDef def, Object raw, boolean text) throws Invalid {
        String s = toStr(raw);
        String candidate = text ? s.trim().toLowerCase(Locale.ROOT) : s;
        if (def.enumValues().contains(candidate)) {
            return candidate;
        }
        throw new Invalid("must be one of " + String.join("|", def.enumValues()) + ", got \"" + abbreviate(s) + "\"");
    }

    private static Long toSize(Object raw) throws Invalid {
        if (raw instanceof Integer || raw instanceof Long) {
            long n = ((Number) raw).longValue();
            if (n >= 0) {
                return n;
            }
        } else if (raw instanceof String s) {
            long n = Sizes.parse(s);
            if (n >= 0) {
                return n;
            }
        }
        throw new Invalid("must be a size (bytes or <n>KiB/MiB/GiB), got " + describe(raw));
    }

    private static List<String> toList(Object raw, boolean text) throws Invalid {
        if (text && raw instanceof String s) {
            return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        }
        if (raw instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new Invalid("must be a list of strings, got an item " + describe(o));
                }
                out.add(s);
            }
            return List.copyOf(out);
        }
        throw new Invalid("must be a list of strings, got " + describe(raw));
    }

    private static HostPort toHostPort(Object raw) throws Invalid {
        String s = toStr(raw);
        HostPort hp = HostPort.parse(s);
        if (hp == null) {
            throw new Invalid("must be HOST:PORT (IPv6 in brackets) with port 0–65535, got \"" + abbreviate(s) + "\"");
        }
        return hp;
    }

    private static Map<String, Object> toMap(Object raw) throws Invalid {
        if (raw instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        throw new Invalid("must be a mapping, got " + describe(raw));
    }

    private static List<Object> toItems(Object raw) throws Invalid {
        if (raw instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        throw new Invalid("must be a list, got " + describe(raw));
    }

    /** Resolves a configured path: "" stays "", {@code ~/} is the user's home, relative is under home. */
    String resolvePath(String value) {
        if (value.isEmpty()) {
            return "";
        }
        Path p;
        if (value.equals("~")) {
            p = userHome;
        } else if (value.startsWith("~/")) {
            p = userHome.resolve(value.substring(2));
        } else {
            p = home.resolve(value);
        }
        return p.toAbsolutePath().normalize().toString();
    }

    static String describe(Object raw) {
        if (raw == null) {
            return "null";
        }
        if (raw instanceof String s) {
            return "string \"" + abbreviate(s) + "\"";
        }
        if (raw instanceof Map) {
            return "a mapping";
        }
        if (raw instanceof List) {
            return "a list";
        }
        if (raw instanceof Boolean) {
            return "boolean " + raw;
        }
        return "number " + raw;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /** A string that came from environment text or an expanded placeholder: parsed leniently. */
    record TextValue(String text) {
    }
}
