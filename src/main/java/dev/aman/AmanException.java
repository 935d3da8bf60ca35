package dev.aman;

/** Root of aman's domain exceptions. Unchecked; subclasses live in the package that throws them. */
public class AmanException extends RuntimeException {
    public AmanException(String message) {
        super(message);
    }

    public AmanException(String message, Throwable cause) {
        super(message, cause);
    }
}
