package dev.aman.http;

/** Readiness classes of API.md §1.14. */
public enum Readiness {
    /** always served, in every phase and while draining */
    A,
    /** storage open: phase ≥ 1, including while draining */
    B,
    /** phase 5 and not draining */
    C
}
