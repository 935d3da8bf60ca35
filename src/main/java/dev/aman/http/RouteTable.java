package dev.aman.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Matches raw request paths against the registered templates with the rules of API.md §1.1: exact and
 * case-sensitive, a trailing slash is another path, a literal segment beats a parameter, and parameters are
 * percent-decoded exactly once and must match their name pattern (anything else is "no route", 404).
 *
 * <p>Built once before the server starts; immutable afterwards and thread-safe.
 */
public final class RouteTable {
    /** Default pattern of a path parameter without a declared one: a single safe segment. */
    private static final String DEFAULT_PARAM = "[A-Za-z0-9][A-Za-z0-9:_.@-]{0,255}";

    private final Map<String, List<RouteSpec>> byTemplate = new LinkedHashMap<>();

    public void add(RouteSpec spec) {
        byTemplate.computeIfAbsent(spec.path(), k -> new ArrayList<>()).add(spec);
    }

    /** The outcome of matching one request. */
    public sealed interface Match permits Found, WrongMethod, NoRoute {
    }

    public record Found(RouteSpec spec, Map<String, String> params) implements Match {
    }

    public record WrongMethod(String allow) implements Match {
    }

    public record NoRoute() implements Match {
    }

    public Match match(String method, String rawPath) {
        String[] segments = split(rawPath);
        if (segments == null) {
            return new NoRoute();
        }
        String bestTemplate = null;
        Map<String, String> bestParams = null;
        int bestScore = -1;
        for (Map.Entry<String, List<RouteSpec>> e : byTemplate.entrySet()) {
            Map<String, String> params = new LinkedHashMap<>();
            int score = score(e.getKey(), e.getValue().get(0), segments, params);
            if (score > bestScore) {
                bestScore = score;
                bestTemplate = e.getKey();
                bestParams = params;
            }
        }
        if (bestTemplate == null) {
            return new NoRoute();
        }
        String head = method.equals("HEAD") && !bestTemplate.equals("/events/stream") ? "GET" : method;
        TreeSet<String> allowed = new TreeSet<>();
        for (RouteSpec spec : byTemplate.get(bestTemplate)) {
            if (spec.method().equals(head)) {
                return new Found(spec, bestParams);
            }
            allowed.add(spec.method());
        }
        return new WrongMethod(String.join(", ", allowed));
    }

    /** Literal segments count double so that {@code /agent/start} beats {@code /agent/{agent_id}}. */
    private static int score(String template, RouteSpec spec, String[] segments, Map<String, String> params) {
        String[] parts = template.substring(1).split("/", -1);
        if (parts.length != segments.length) {
            return -1;
        }
        int score = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.startsWith("{") && part.endsWith("}")) {
                String name = part.substring(1, part.length() - 1);
                String decoded = decodeOnce(segments[i]);
                String regex = spec.pathPatterns().getOrDefault(name, DEFAULT_PARAM);
                if (decoded == null || !Pattern.matches(regex, decoded)) {
                    return -1;
                }
                params.put(name, decoded);
                score += 1;
            } else {
                if (!part.equals(segments[i])) {
                    return -1;
                }
                score += 2;
            }
        }
        return score;
    }

    private static String[] split(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return null;
        }
        return rawPath.substring(1).split("/", -1);
    }

    private static String decodeOnce(String segment) {
        if (segment.indexOf('+') >= 0) {
            return null; // '+' is not a space in paths; no name pattern allows it either
        }
        try {
            return URLDecoder.decode(segment, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
