package dev.aman.bus;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collection;
import java.util.Locale;

/** Per-handler delivery states (API.md §2.2) and the event status derived from them (FORMATS §4.3). */
public enum DeliveryStatus {
    PENDING, DELIVERED, FAILED, DEAD_LETTERED, EXPIRED, DROPPED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryStatus parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** Still to be (re)attempted. */
    public boolean open() {
        return this == PENDING || this == FAILED;
    }

    /** pending › failed › dead_lettered › expired › delivered; no deliveries = delivered. */
    public static DeliveryStatus eventStatus(Collection<DeliveryStatus> deliveries) {
        for (DeliveryStatus s : new DeliveryStatus[] {PENDING, FAILED, DEAD_LETTERED, EXPIRED}) {
            if (deliveries.contains(s)) {
                return s;
            }
        }
        return DELIVERED;
    }
}
