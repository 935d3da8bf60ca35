package dev.aman.ids;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Generates UUIDv7 ids (RFC 9562): 48-bit Unix milliseconds, then random bits. Ids from one generator
 * are strictly increasing even within one millisecond (the 12-bit {@code rand_a} field is used as a
 * counter, method 1 of RFC 9562 §6.2), so sorting by id follows creation order.
 *
 * <p>Thread-safe; the JDK has no v7 generator and this is small enough not to warrant a dependency.
 */
public final class UuidV7 {
    private static final Pattern CANONICAL = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock lock = new ReentrantLock();
    private long lastMillis = -1;
    private int counter;

    public UuidV7(Clock clock) {
        this.clock = clock;
    }

    public String next() {
        long millis;
        int seq;
        lock.lock();
        try {
            millis = Math.max(clock.millis(), lastMillis);
            if (millis == lastMillis) {
                counter++;
                if (counter > 0xFFF) {
                    millis = ++lastMillis;
                    counter = random.nextInt(0x400);
                }
            } else {
                lastMillis = millis;
                counter = random.nextInt(0x400);
            }
            seq = counter;
        } finally {
            lock.unlock();
        }
        long msb = (millis << 16) | 0x7000L | (seq & 0xFFF);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** True for any canonical UUID text (case-insensitive). */
    public static boolean isUuid(String s) {
        return s != null && CANONICAL.matcher(s).matches();
    }
}
