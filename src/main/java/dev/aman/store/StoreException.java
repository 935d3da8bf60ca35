package dev.aman.store;

import dev.aman.AmanException;

/** A database operation failed; the message names the operation, never the SQL parameters. */
public final class StoreException extends AmanException {
    public StoreException(String operation, Throwable cause) {
        super(operation + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : firstLine(cause.getMessage())), cause);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
