package dev.aman.notify;

/** What a producer raises (API.md §24). {@code coalesce = false} for test notifications. */
public record NewNotification(String severity, String category, String title, String message, String actionLabel,
                              String actionRoute, String eventId, String source, boolean coalesce) {

    public NewNotification {
        title = title.length() > 200 ? title.substring(0, 200) : title;
        message = message.length() > 4000 ? message.substring(0, 4000) : message;
    }

    public static NewNotification of(String severity, String category, String title, String message, String route,
                                     String label) {
        return new NewNotification(severity, category, title, message, label, route, null, "runtime", true);
    }
}
