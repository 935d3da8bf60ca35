package dev.aman.bus;

import dev.aman.AmanException;

/** A guaranteed event was refused because the bus is at backpressure level 3 or more (or its queue is full). */
public final class BackpressureRefused extends AmanException {
    private final int level;

    public BackpressureRefused(int level) {
        super("backpressure");
        this.level = level;
    }

    public int level() {
        return level;
    }
}
