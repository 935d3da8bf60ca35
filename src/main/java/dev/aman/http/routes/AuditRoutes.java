package dev.aman.http.routes;

import dev.aman.audit.AuditLog;
import dev.aman.audit.AuditOutcome;
import dev.aman.audit.AuditQuery;
import dev.aman.audit.AuditRecord;
import dev.aman.http.ApiRequest;
import dev.aman.http.ApiResponse;
import dev.aman.http.Readiness;
import dev.aman.http.RouteSpec;
import dev.aman.http.Routes;
import dev.aman.http.errors.ApiException;
import dev.aman.http.paging.CursorCodec;
import dev.aman.http.paging.PageParams;
import dev.aman.store.Keyset;
import dev.aman.store.Page;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code GET /audit-log} (API.md §19.1). */
public final class AuditRoutes implements Routes {
    private final Supplier<AuditLog> audit;

    public AuditRoutes(Supplier<AuditLog> audit) {
        this.audit = audit;
    }

    @Override
    public void register(Registrar r) {
        r.add(RouteSpec.get("/audit-log", Readiness.B), this::list);
    }

    private ApiResponse list(ApiRequest req) {
        String action = req.query("action");
        String operator = req.query("operator");
        String target = req.query("target");
        String outcome = req.queryEnum("outcome", AuditOutcome.ALL);
        Long since = req.queryLong("since_ms", Long.MIN_VALUE, Long.MAX_VALUE);
        Long until = req.queryLong("until_ms", Long.MIN_VALUE, Long.MAX_VALUE);
        if (since != null && until != null && since > until) {
            throw ApiException.badRequest("since_ms must not be after until_ms");
        }
        String order = req.queryEnum("order", List.of("desc", "asc"));
        boolean asc = "asc".equals(order);
        String shape = "/audit-log|" + action + "|" + (operator == null ? null : operator.toLowerCase(java.util.Locale.ROOT))
                + "|" + target + "|" + outcome + "|" + since + "|" + until + "|" + asc;
        PageParams page = req.page(shape);
        Page<AuditRecord> result = audit.get().query(new AuditQuery(action, operator, target, outcome, since, until, asc,
                page.limit(), page.offset(), page.after()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", result.items());
        String next = null;
        if (result.more() && !result.items().isEmpty()) {
            AuditRecord last = result.items().get(result.items().size() - 1);
            next = CursorCodec.encode(new Keyset(last.timestampMs(), last.id()), shape);
        }
        body.put("next_cursor", next);
        return ApiResponse.ok(body);
    }
}
