package dev.aman.runtime;

/** Runtime phases of API.md §1.17. */
public enum Phase {
    PROCESS(0, "process"), STORAGE(1, "storage"), COMPONENTS(2, "components"), WORKFLOWS(3, "workflows"),
    SOURCES(4, "sources"), READY(5, "ready");

    private final int number;
    private final String label;

    Phase(int number, String label) {
        this.number = number;
        this.label = label;
    }

    public int number() {
        return number;
    }

    /** The {@code phase_name} of API responses. */
    public String label() {
        return label;
    }

    public static Phase of(int number) {
        return values()[number];
    }
}
