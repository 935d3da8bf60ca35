package dev.aman.http.paging;

import dev.aman.store.Keyset;

/** {@code limit}, {@code cursor} and {@code offset} of a paginated list (API.md §1.10), validated. */
public record PageParams(int limit, int offset, Keyset after) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
}
