package dev.aman.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Human-readable output helpers of the client commands (times in the local zone). */
final class Tables {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Tables() {
    }

    static String time(long epochMs) {
        return TIME.format(Instant.ofEpochMilli(epochMs).atZone(ZoneId.systemDefault()));
    }

    /** Prints events as a tree by parent_event_id; cycle-safe (each event printed once). */
    static void printTree(JsonNode items, PrintStream out) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        Map<String, List<String>> children = new LinkedHashMap<>();
        for (JsonNode e : items) {
            byId.put(e.get("id").asText(), e);
        }
        List<String> roots = new ArrayList<>();
        for (JsonNode e : items) {
            String parent = e.path("metadata").path("parent_event_id").asText(null);
            if (parent != null && byId.containsKey(parent)) {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(e.get("id").asText());
            } else {
                roots.add(e.get("id").asText());
            }
        }
        Set<String> printed = new HashSet<>();
        for (String r : roots) {
            print(r, 0, byId, children, printed, out);
        }
        for (String id : byId.keySet()) {
            if (!printed.contains(id)) {
                print(id, 0, byId, children, printed, out); // members of a parent cycle
            }
        }
    }

    private static void print(String id, int depth, Map<String, JsonNode> byId, Map<String, List<String>> children,
                              Set<String> printed, PrintStream out) {
        if (!printed.add(id)) {
            return;
        }
        JsonNode e = byId.get(id);
        out.println("  ".repeat(depth) + (depth > 0 ? "└─ " : "") + e.get("event_type").asText() + "  " + id + "  "
                + e.path("status").asText());
        for (String c : children.getOrDefault(id, List.of())) {
            print(c, depth + 1, byId, children, printed, out);
        }
    }
}
