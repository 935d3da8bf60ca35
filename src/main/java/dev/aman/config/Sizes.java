package dev.aman.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and formats the size values of FORMATS §0 ({@code 10MiB}, {@code 512}). */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)(KiB|MiB|GiB)?");

    private Sizes() {
    }

    /** Returns the byte count, or -1 when the text is not a size. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        try {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2);
            long factor = unit == null ? 1 : switch (unit) {
                case "KiB" -> 1L << 10;
                case "MiB" -> 1L << 20;
                default -> 1L << 30;
            };
            return Math.multiplyExact(n, factor);
        } catch (ArithmeticException | NumberFormatException e) {
            return -1;
        }
    }

    public static String format(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "GiB";
        }
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "MiB";
        }
        if (bytes > 0 && bytes % (1L << 10) == 0) {
            return bytes / (1L << 10) + "KiB";
        }
        return Long.toString(bytes);
    }
}
