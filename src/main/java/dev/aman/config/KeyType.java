package dev.aman.config;

/** The value types of FORMATS §2.2, plus the structured kinds used by list items and maps. */
public enum KeyType {
    BOOL, INT, FLOAT, STRING, ENUM, SIZE, PATH, STRING_LIST, PATH_LIST, SECRET, HOST_PORT,
    /** a mapping whose keys are free (tool names, plugin names, header names). */
    MAP,
    /** an arbitrary object kept as parsed (payloads, plugin settings, source settings). */
    OBJECT,
    /** a list of items, each validated against {@link KeyDef#itemFields()}. */
    ITEMS;

    /** Scalars and string lists can be set from {@code AMAN_*} variables (FORMATS §2.3). */
    boolean envSettable() {
        return this != MAP && this != OBJECT && this != ITEMS;
    }
}
