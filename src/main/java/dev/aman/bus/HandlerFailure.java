package dev.aman.bus;

import dev.aman.AmanException;

/** A handler's failure with its retry semantics (FORMATS §5.8); the message starts with the code. */
public final class HandlerFailure extends AmanException {
    private final boolean retryable;

    private HandlerFailure(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public static HandlerFailure retryable(String message) {
        return new HandlerFailure(message, true);
    }

    public static HandlerFailure nonRetryable(String code, String message) {
        return new HandlerFailure(code + ": " + message, false);
    }

    public boolean retryable() {
        return retryable;
    }
}
