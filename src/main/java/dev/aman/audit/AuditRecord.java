package dev.aman.audit;

/** One audit record (API.md §2.3). {@code requestId} is null for records written by aman itself. */
public record AuditRecord(String id, long timestampMs, String operator, String action, String target,
                          String outcome, String detail, String requestId) {

    public static final int MAX_DETAIL = 1000;

    public AuditRecord {
        detail = detail == null ? "" : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
    }
}
