package dev.aman.config;

import dev.aman.AmanException;

/** A {@code POST /config/set} request that cannot be applied (FORMATS §2.5). Nothing was changed. */
public final class ConfigChangeException extends AmanException {
    /** What went wrong; the HTTP layer maps each kind to its status. */
    public enum Kind { CHANGES_REQUIRED, UNKNOWN_KEY, NOT_HOT, INVALID_VALUE, PINNED, REVISION_CONFLICT }

    private final Kind kind;
    private final long expectedRevision;
    private final long currentRevision;

    public ConfigChangeException(Kind kind, String message) {
        this(kind, message, -1, -1);
    }

    public ConfigChangeException(Kind kind, String message, long expectedRevision, long currentRevision) {
        super(message);
        this.kind = kind;
        this.expectedRevision = expectedRevision;
        this.currentRevision = currentRevision;
    }

    public Kind kind() {
        return kind;
    }

    public long expectedRevision() {
        return expectedRevision;
    }

    public long currentRevision() {
        return currentRevision;
    }
}
