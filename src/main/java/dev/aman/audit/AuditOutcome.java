package dev.aman.audit;

import java.util.List;

/** The outcome values of API.md §1.16. */
public final class AuditOutcome {
    public static final String OK = "ok";
    public static final String CONFIRM_REQUIRED = "confirm_required";
    public static final String FORBIDDEN = "forbidden";
    public static final String BLOCKED = "blocked";
    public static final String INVALID = "invalid";
    public static final String NOT_FOUND = "not_found";
    public static final String CONFLICT = "conflict";
    public static final String UNRECOVERABLE = "unrecoverable";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String UNAVAILABLE = "unavailable";
    public static final String ERROR = "error";

    public static final List<String> ALL = List.of(OK, "sanitized_replace", "sanitized_token", CONFIRM_REQUIRED,
            FORBIDDEN, BLOCKED, INVALID, NOT_FOUND, CONFLICT, UNRECOVERABLE, RATE_LIMITED, UNAVAILABLE, ERROR);

    private AuditOutcome() {
    }

    /** The outcome of a finished request by its status (API.md §1.16 table), for the generic cases. */
    public static String forStatus(int status) {
        if (status >= 200 && status < 300) {
            return OK;
        }
        return switch (status) {
            case 400 -> INVALID;
            case 403 -> BLOCKED;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            case 422 -> UNRECOVERABLE;
            case 429 -> RATE_LIMITED;
            case 503 -> UNAVAILABLE;
            default -> ERROR;
        };
    }
}
