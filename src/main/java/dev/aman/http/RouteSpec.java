package dev.aman.http;

import java.util.Map;

/**
 * One endpoint of the API.md §3 index: method, path template and the cross-cutting rules the pipeline
 * applies to it.
 *
 * @param auditAction   audit action for mutating endpoints, null for reads
 * @param auditTarget   audit target, with {@code {param}} placeholders (API.md §2.3)
 * @param pathPatterns  regex each path parameter must match after one percent-decoding (else 404)
 * @param gate          endpoint gate (API.md §1.9 step 6), null for none
 */
public record RouteSpec(String method, String path, boolean publicRoute, boolean confirm, Readiness readiness,
                        boolean idempotent, String auditAction, String auditTarget, Map<String, String> pathPatterns,
                        Gate gate) {

    /** An endpoint gate: answers the 403 phrase when the endpoint is disabled, else null. */
    @FunctionalInterface
    public interface Gate {
        String check();
    }

    public boolean mutating() {
        return !method.equals("GET");
    }

    public static RouteSpec get(String path, Readiness readiness) {
        return new RouteSpec("GET", path, false, false, readiness, false, null, null, Map.of(), null);
    }

    public static RouteSpec mutation(String method, String path, Readiness readiness, String auditAction,
                                     String auditTarget) {
        return new RouteSpec(method, path, false, false, readiness, false, auditAction, auditTarget, Map.of(), null);
    }

    public static RouteSpec post(String path, Readiness readiness, String auditAction, String auditTarget) {
        return mutation("POST", path, readiness, auditAction, auditTarget);
    }

    public RouteSpec asPublic() {
        return new RouteSpec(method, path, true, confirm, readiness, idempotent, auditAction, auditTarget, pathPatterns, gate);
    }

    public RouteSpec confirmed() {
        return new RouteSpec(method, path, publicRoute, true, readiness, idempotent, auditAction, auditTarget, pathPatterns, gate);
    }

    public RouteSpec idempotencyKeys() {
        return new RouteSpec(method, path, publicRoute, confirm, readiness, true, auditAction, auditTarget, pathPatterns, gate);
    }

    public RouteSpec param(String name, String regex) {
        var p = new java.util.LinkedHashMap<>(pathPatterns);
        p.put(name, regex);
        return new RouteSpec(method, path, publicRoute, confirm, readiness, idempotent, auditAction, auditTarget, p, gate);
    }

    public RouteSpec gatedBy(Gate g) {
        return new RouteSpec(method, path, publicRoute, confirm, readiness, idempotent, auditAction, auditTarget, pathPatterns, g);
    }
}
