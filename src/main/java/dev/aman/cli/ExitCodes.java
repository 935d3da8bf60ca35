package dev.aman.cli;

/** Exit codes of FORMATS §3.4 and the HTTP status mapping of client commands. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int CONFLICT = 3;
    public static final int NOT_FOUND = 4;
    public static final int AUTH = 5;
    public static final int REJECTED = 6;
    public static final int UNAVAILABLE = 7;
    public static final int RESOURCE_CONFLICT = 8;
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    public static int forStatus(int status) {
        if (status >= 200 && status < 300) {
            return OK;
        }
        return switch (status) {
            case 409 -> CONFLICT;
            case 404 -> NOT_FOUND;
            case 401, 403 -> AUTH;
            case 400, 413, 422, 429 -> REJECTED;
            case 503 -> UNAVAILABLE;
            default -> FAILURE;
        };
    }
}
