package dev.aman.bus;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Delivery guarantee of an event (FORMATS §4.2). */
public enum DeliveryMode {
    AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryMode parse(String s) {
        for (DeliveryMode d : values()) {
            if (d.wire().equals(s)) {
                return d;
            }
        }
        return null;
    }

    /** Journalled before the publisher is answered. */
    public boolean guaranteed() {
        return this != AT_MOST_ONCE;
    }
}
