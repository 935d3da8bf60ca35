package dev.aman.notify;

/** API.md §2.4. {@code dismissible}: info/warning always; critical only once acknowledged. */
public record Notification(String id, String severity, String category, String title, String message, long createdAtMs,
                           long updatedAtMs, int count, boolean acked, Long ackedAtMs, String ackedBy, boolean dismissed,
                           Long dismissedAtMs, boolean dismissible, String actionLabel, String actionRoute, String eventId,
                           String source) {
}
