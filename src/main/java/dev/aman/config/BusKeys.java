package dev.aman.config;

import static dev.aman.config.KeyDef.cold;
import static dev.aman.config.KeyDef.hot;
import static dev.aman.config.KeyType.BOOL;
import static dev.aman.config.KeyType.FLOAT;
import static dev.aman.config.KeyType.INT;
import static dev.aman.config.KeyType.SIZE;

import java.util.List;
import java.util.Map;

/** Keys of FORMATS §2.7.5–§2.7.6: {@code event_bus} and {@code dlq}. */
final class BusKeys {
    private static final List<String> BACKPRESSURE_LEVELS = List.of(
            "event_bus.backpressure.l1", "event_bus.backpressure.l2",
            "event_bus.backpressure.l3", "event_bus.backpressure.l4");

    private BusKeys() {
    }

    static List<KeyDef> all() {
        return List.of(
                cold("event_bus.workers", INT, defaultWorkers(), Rule.range(1, 512)),
                hot("event_bus.queues.high", INT, 10_000, Rule.range(10, 1_000_000)),
                hot("event_bus.queues.normal", INT, 10_000, Rule.range(10, 1_000_000)),
                hot("event_bus.queues.low", INT, 10_000, Rule.range(10, 1_000_000)),
                // 0 < l1 < l2 < l3 < l4 ≤ 1 is checked across the four keys in crossCheck
                hot("event_bus.backpressure.l1", FLOAT, 0.80, null),
                hot("event_bus.backpressure.l2", FLOAT, 0.90, null),
                hot("event_bus.backpressure.l3", FLOAT, 0.95, null),
                hot("event_bus.backpressure.l4", FLOAT, 0.98, null),
                hot("event_bus.backpressure.spill_max_bytes", SIZE, "1GiB", null),
                hot("event_bus.retry.max_attempts", INT, 3, Rule.range(1, 100)),
                hot("event_bus.retry.base_delay_ms", INT, 200, Rule.range(1, 600_000)),
                hot("event_bus.retry.max_delay_ms", INT, 30_000, Rule.atLeast(1)),
                hot("event_bus.retry.jitter", FLOAT, 0.2, Rule.floatRange(0, 1)),
                hot("event_bus.dedup.window_ms", INT, 86_400_000, Rule.range(1000, 2_592_000_000L)),
                hot("event_bus.store.max_events", INT, 100_000, Rule.range(1000, 100_000_000)),
                hot("event_bus.rate_limit.per_source_per_sec", FLOAT, 100.0, BusKeys::nonNegative),
                hot("event_bus.rate_limit.burst", INT, 200, Rule.atLeast(1)),
                hot("event_bus.handler_timeout_sec", INT, 600, Rule.range(1, 86_400)),
                hot("event_bus.max_chain_depth", INT, 32, Rule.range(2, 1000)),
                hot("event_bus.default_ttl_ms", INT, null, Rule.range(1, 2_592_000_000L)).asNullable(),
                hot("event_bus.max_payload_bytes", SIZE, "1MiB", null),

                hot("dlq.ttl_days", INT, 30, Rule.range(1, 3650)),
                hot("dlq.max_manual_retries", INT, 5, Rule.range(0, 100)),
                hot("dlq.max_entries", INT, 100_000, Rule.range(100, 10_000_000)),
                hot("dlq.notify", BOOL, true, null));
    }

    /**
     * {@code max(4, 2 × CPU cores)}, capped at the key's own maximum of 512 so that the default is always
     * valid on very large machines.
     */
    private static int defaultWorkers() {
        return Math.min(512, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    private static String nonNegative(Object value) {
        double n = ((Number) value).doubleValue();
        return n < 0 ? "must be at least 0, got " + n : null;
    }

    /** Checks that span several keys; a key whose own conversion failed is absent or mistyped and skipped. */
    static void crossCheck(Map<String, Object> values, ConfigProblems problems) {
        checkBackpressureLevels(values, problems);

        if (values.get("event_bus.retry.base_delay_ms") instanceof Long base
                && values.get("event_bus.retry.max_delay_ms") instanceof Long max && max < base) {
            problems.error("event_bus.retry.max_delay_ms",
                    "must be at least event_bus.retry.base_delay_ms (" + base + "), got " + max);
        }

        if (values.get("http.max_body_bytes") instanceof Long body
                && values.get("event_bus.max_payload_bytes") instanceof Long payload && payload > body) {
            problems.error("event_bus.max_payload_bytes", "must be at most http.max_body_bytes ("
                    + Sizes.format(body) + "), got " + Sizes.format(payload));
        }
    }

    /** 0 &lt; l1 &lt; l2 &lt; l3 &lt; l4 ≤ 1; each level is reported against its predecessor. */
    private static void checkBackpressureLevels(Map<String, Object> values, ConfigProblems problems) {
        String previousKey = null;
        double previous = 0;
        for (String key : BACKPRESSURE_LEVELS) {
            if (!(values.get(key) instanceof Double level)) {
                return;
            }
            if (level <= previous) {
                problems.error(key, previousKey == null
                        ? "must be greater than 0, got " + level
                        : "must be greater than " + previousKey + " (" + previous + "), got " + level);
            }
            previousKey = key;
            previous = level;
        }
        if (previous > 1) {
            problems.error(previousKey, "must be at most 1, got " + previous);
        }
    }
}
