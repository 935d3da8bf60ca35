package dev.aman.runtime;

import java.time.Duration;

/**
 * Drains in-flight work at shutdown, after sources stopped and before components stop (API.md §5.2).
 * Returns how many guaranteed deliveries are still pending when the time is up (they stay journalled).
 */
@FunctionalInterface
public interface DrainHook {
    long drain(Duration timeout) throws InterruptedException;
}
