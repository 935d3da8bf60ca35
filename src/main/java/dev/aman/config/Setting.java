package dev.aman.config;

/**
 * The effective value of one key and where it came from.
 *
 * @param origin human-readable origin for {@code aman config show}: {@code env AMAN_HTTP_BIND},
 *               {@code flag --bind}, {@code file}, {@code override}, or {@code default}
 */
public record Setting(Object value, Layer layer, String origin) {
}
