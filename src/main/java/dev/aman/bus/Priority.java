package dev.aman.bus;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Event priority; across sources higher priority is dequeued first. */
public enum Priority {
    HIGH, NORMAL, LOW;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Priority parse(String s) {
        for (Priority p : values()) {
            if (p.wire().equals(s)) {
                return p;
            }
        }
        return null;
    }

    /** One step lower (backpressure level 1 demotes at-most-once events). */
    Priority demoted() {
        return this == HIGH ? NORMAL : LOW;
    }
}
