package dev.aman.bus;

/**
 * A subscriber of the bus (skills, workflow routing, agents, notification rules). Runs on a worker thread,
 * never on the publisher's; one call is one delivery attempt. Throwing fails the attempt: a
 * {@link HandlerFailure} says whether retrying can help, any other exception is retryable.
 */
public interface EventHandler {
    /** Stable id: {@code skill:<name>}, {@code workflow:router}, {@code agent:<id>}, {@code notifications}, … */
    String id();

    boolean matches(Event event);

    void handle(Event event) throws Exception;
}
