package dev.aman.store;

/** A keyset pagination position: the sort time and id of the last item already returned. */
public record Keyset(long time, String id) {
}
