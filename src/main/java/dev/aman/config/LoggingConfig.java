package dev.aman.config;

/** The {@code logging} section (FORMATS §2.7.4); {@code file} is "" for standard error only. */
public record LoggingConfig(String level, String format, String file, long maxFileBytes, int maxFiles) {

    static LoggingConfig from(AmanConfig c) {
        return new LoggingConfig(c.string("logging.level"), c.string("logging.format"), c.string("logging.file"),
                c.longValue("logging.max_file_bytes"), c.intValue("logging.max_files"));
    }
}
