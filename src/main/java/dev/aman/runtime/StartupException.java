package dev.aman.runtime;

import dev.aman.AmanException;

/** A start could not complete; {@link #kind} tells whether a shutdown was in the way or a phase failed. */
public final class StartupException extends AmanException {
    public enum Kind { SHUTTING_DOWN, INTERRUPTED_BY_SHUTDOWN, FAILED }

    private final Kind kind;
    private final int phase;

    public StartupException(Kind kind, int phase, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.phase = phase;
    }

    public Kind kind() {
        return kind;
    }

    /** The phase that failed (FAILED only). */
    public int phase() {
        return phase;
    }
}
