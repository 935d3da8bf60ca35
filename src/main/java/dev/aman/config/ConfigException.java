package dev.aman.config;

import dev.aman.AmanException;
import java.util.List;

/** The configuration is invalid; {@link #errors()} holds {@code <key>: <reason>} lines. */
public final class ConfigException extends AmanException {
    private final List<String> errors;

    public ConfigException(List<String> errors) {
        super("invalid configuration: " + String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
