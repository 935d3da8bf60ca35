package dev.aman.http.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aman.config.ConfigService;
import dev.aman.http.ApiRequest;
import dev.aman.http.ApiResponse;
import dev.aman.http.Fields;
import dev.aman.http.Readiness;
import dev.aman.http.RouteSpec;
import dev.aman.http.Routes;
import dev.aman.http.paging.CursorCodec;
import dev.aman.http.paging.PageParams;
import dev.aman.notify.NewNotification;
import dev.aman.notify.Notification;
import dev.aman.notify.NotificationService;
import dev.aman.store.Keyset;
import dev.aman.store.Page;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Notifications API (API.md §15). */
public final class NotificationRoutes implements Routes {
    private final Supplier<NotificationService> notifications;
    private final ConfigService config;

    public NotificationRoutes(Supplier<NotificationService> notifications, ConfigService config) {
        this.notifications = notifications;
        this.config = config;
    }

    @Override
    public void register(Registrar r) {
        r.add(RouteSpec.get("/notifications", Readiness.C), this::list);
        r.add(RouteSpec.get("/notifications/unread-count", Readiness.C), req -> {
            NotificationService.Counts c = notifications.get().counts();
            return ApiResponse.ok(Map.of("count", c.unread(), "by_severity", c.unreadBySeverity()));
        });
        r.add(RouteSpec.post("/notifications/dismiss-all", Readiness.C, "notification.dismiss_all", "notifications"), req -> {
            ObjectNode b = req.body();
            String severity = Fields.optEnum(b, "severity", NotificationService.SEVERITIES);
            String category = Fields.optString(b, "category");
            NotificationService.DismissedAll d = notifications.get().dismissAll(severity, category);
            return ApiResponse.ok(Map.of("dismissed", d.dismissed(), "remaining_active", d.remainingActive()))
                    .audit("dismissed=" + d.dismissed());
        });
        r.add(RouteSpec.post("/notifications/test", Readiness.C, "notification.test", "notification")
                .gatedBy(() -> config.current().http().devMode() ? null : "dev mode only"), this::test);
        r.add(RouteSpec.post("/notifications/{id}/dismiss", Readiness.C, "notification.dismiss", "notification:{id}")
                .param("id", EventRoutes.UUID), req -> {
                    var c = notifications.get().dismiss(req.pathParam("id").toLowerCase(java.util.Locale.ROOT));
                    return ApiResponse.ok(c.notification()).audit(c.unchanged() ? "unchanged" : "");
                });
        r.add(RouteSpec.post("/notifications/{id}/ack", Readiness.C, "notification.ack", "notification:{id}")
                .param("id", EventRoutes.UUID), req -> {
                    var c = notifications.get().ack(req.pathParam("id").toLowerCase(java.util.Locale.ROOT), req.operator());
                    return ApiResponse.ok(c.notification()).audit(c.unchanged() ? "unchanged" : "");
                });
    }

    private ApiResponse list(ApiRequest req) {
        Boolean activeOnly = req.queryBool("active_only");
        Boolean unreadOnly = req.queryBool("unread_only");
        String severity = req.queryEnum("severity", NotificationService.SEVERITIES);
        String category = req.query("category");
        var f = new NotificationService.Filter(activeOnly == null || activeOnly, unreadOnly != null && unreadOnly, severity,
                category);
        String shape = "/notifications|" + f;
        PageParams page = req.page(shape);
        Page<Notification> result = notifications.get().list(f, page.limit(), page.offset(), page.after());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", result.items());
        String next = null;
        if (result.more() && !result.items().isEmpty()) {
            Notification last = result.items().get(result.items().size() - 1);
            next = CursorCodec.encode(new Keyset(last.createdAtMs(), last.id()), shape);
        }
        out.put("next_cursor", next);
        return ApiResponse.ok(out);
    }

    private ApiResponse test(ApiRequest req) {
        ObjectNode b = req.body();
        String severity = Fields.optEnum(b, "severity", NotificationService.SEVERITIES);
        String title = Fields.optString(b, "title");
        if (title != null && (title.isEmpty() || title.codePointCount(0, title.length()) > 200)) {
            throw Fields.invalid("title", "must be 1–200 characters");
        }
        String message = Fields.optString(b, "message");
        if (message != null && message.codePointCount(0, message.length()) > 4000) {
            throw Fields.invalid("message", "must be at most 4000 characters");
        }
        String label = Fields.optString(b, "action_label");
        String route = Fields.optString(b, "action_route");
        if ((label == null) != (route == null)) {
            throw Fields.invalid("action_label", "and action_route must be given together");
        }
        if (route != null && !route.matches("/[A-Za-z0-9/_.~%:?=&-]*")) {
            throw Fields.invalid("action_route", "must be a UI route starting with /");
        }
        Notification n = notifications.get().raise(new NewNotification(severity == null ? "warning" : severity, "test",
                title == null ? "Test notification" : title,
                message == null ? "This is a test notification from aman." : message, label, route, null, "api", false));
        return ApiResponse.ok(n).target("notification:" + n.id());
    }
}
