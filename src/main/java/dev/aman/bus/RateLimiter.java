package dev.aman.bus;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-source token buckets for external admissions (API.md §1.15). Rates are read on every call, so hot
 * changes of {@code event_bus.rate_limit.*} apply at once. Thread-safe.
 */
public final class RateLimiter {
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        final ReentrantLock lock = new ReentrantLock();
        double tokens;
        long lastNanos;
    }

    /**
     * Takes one token for {@code source}.
     *
     * @return 0 when admitted, else the milliseconds until a token is available
     */
    public long tryAcquire(String source, double perSecond, long burst, long nowNanos) {
        if (perSecond <= 0) {
            return 0;
        }
        Bucket b = buckets.computeIfAbsent(source, k -> {
            Bucket nb = new Bucket();
            nb.tokens = burst;
            nb.lastNanos = nowNanos;
            return nb;
        });
        b.lock.lock();
        try {
            double elapsed = (nowNanos - b.lastNanos) / 1e9;
            b.tokens = Math.min(burst, b.tokens + elapsed * perSecond);
            b.lastNanos = nowNanos;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - b.tokens) / perSecond * 1000));
        } finally {
            b.lock.unlock();
        }
    }
}
