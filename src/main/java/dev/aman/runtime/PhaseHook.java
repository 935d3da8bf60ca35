package dev.aman.runtime;

import java.time.Duration;

/**
 * A component's part in one phase: {@link #start} runs while the runtime enters the phase, {@link #stop}
 * while it walks back below it (in reverse registration order). Stop must be idempotent and return within
 * the given time.
 */
public interface PhaseHook {
    String name();

    void start() throws Exception;

    void stop(Duration timeout);

    /** A hook built from two lambdas. */
    static PhaseHook of(String name, ThrowingRunnable start, java.util.function.Consumer<Duration> stop) {
        return new PhaseHook() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start() throws Exception {
                start.run();
            }

            @Override
            public void stop(Duration timeout) {
                stop.accept(timeout);
            }
        };
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
