package dev.aman.store;

import java.util.List;

/** One page of a list; {@code more} is true when at least one further item existed when it was read. */
public record Page<T>(List<T> items, boolean more) {
    public Page {
        items = List.copyOf(items);
    }

    /** Builds a page from a query that fetched {@code limit + 1} rows. */
    public static <T> Page<T> of(List<T> fetched, int limit) {
        boolean more = fetched.size() > limit;
        return new Page<>(more ? fetched.subList(0, limit) : fetched, more);
    }
}
