package dev.aman.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every error and warning of one load so that all of them can be reported at once. */
public final class ConfigProblems {
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    public void error(String keyPath, String reason) {
        errors.add(keyPath + ": " + reason);
    }

    public void warn(String message) {
        warnings.add(message);
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }
}
