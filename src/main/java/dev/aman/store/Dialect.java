package dev.aman.store;

/** What differs between the two engines. Everything else is portable SQL. */
public enum Dialect {
    SQLITE("sqlite"), POSTGRESQL("postgresql");

    private final String label;

    Dialect(String label) {
        this.label = label;
    }

    /** {@code sqlite} | {@code postgresql}, as reported by {@code /runtime/config}. */
    public String label() {
        return label;
    }

    /** Insert that silently keeps an existing row with the same primary key. */
    public String insertIgnore(String table, String columns, String placeholders, String conflictColumns) {
        return "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders + ") ON CONFLICT ("
                + conflictColumns + ") DO NOTHING";
    }
}
