package dev.aman.config;

import java.util.regex.Pattern;

/**
 * A validation rule on a converted value. Returns {@code null} when the value is fine, otherwise the
 * reason, phrased to follow the key path ({@code config error: <key>: <reason>}).
 */
@FunctionalInterface
public interface Rule {
    String check(Object value);

    static Rule none() {
        return v -> null;
    }

    static Rule range(long min, long max) {
        return v -> {
            long n = ((Number) v).longValue();
            return n < min || n > max ? "must be " + min + "–" + max + ", got " + n : null;
        };
    }

    static Rule floatRange(double min, double max) {
        return v -> {
            double n = ((Number) v).doubleValue();
            return n < min || n > max ? "must be " + min + "–" + max + ", got " + n : null;
        };
    }

    static Rule atLeast(long min) {
        return v -> ((Number) v).longValue() < min ? "must be at least " + min + ", got " + v : null;
    }

    static Rule sizeRange(long min, long max) {
        return v -> {
            long n = (Long) v;
            return n < min || n > max
                    ? "must be " + Sizes.format(min) + "–" + Sizes.format(max) + ", got " + Sizes.format(n) : null;
        };
    }

    static Rule pattern(String regex, String what) {
        Pattern p = Pattern.compile(regex);
        return v -> v.toString().isEmpty() || p.matcher(v.toString()).matches() ? null : "must be " + what;
    }

    static Rule nonBlank() {
        return v -> v.toString().isBlank() ? "must not be empty" : null;
    }

    /** Like {@link #pattern} but an empty value is an error and the reason shows the value. */
    static Rule requiredMatch(Pattern pattern) {
        return v -> {
            String s = v.toString();
            if (s.isEmpty()) {
                return "must not be empty";
            }
            return pattern.matcher(s).matches() ? null : "must match " + pattern + ", got \"" + abbreviate(s) + "\"";
        };
    }

    /** An http or https URL with a host; {@code allowEmpty} accepts "" (= use the default). */
    static Rule httpUrl(boolean allowEmpty) {
        return v -> {
            String url = v.toString();
            if (url.isEmpty() && allowEmpty) {
                return null;
            }
            try {
                java.net.URI uri = new java.net.URI(url);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return null;
                }
            } catch (java.net.URISyntaxException e) {
                // reported below
            }
            return "must be an http or https URL, got \"" + abbreviate(url) + "\"";
        };
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
