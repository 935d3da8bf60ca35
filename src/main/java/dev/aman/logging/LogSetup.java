package dev.aman.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import dev.aman.config.LoggingConfig;
import dev.aman.config.SecretRedactor;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback from the {@code logging} section (FORMATS §2.7.4): standard error always, plus the
 * log file rotated to {@code aman.log.1 … aman.log.N}. Every line passes the secret redactor. Called only
 * by the launcher ({@code aman run}); tests keep their own logging.
 */
public final class LogSetup {
    private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{30} - %msg %kvp%n%ex{short}";

    private LogSetup() {
    }

    public static void configure(LoggingConfig config, SecretRedactor redactor) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        var root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(config.level()));
        ctx.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        ctx.getLogger("io.javalin").setLevel(Level.WARN);
        ctx.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        ctx.getLogger("org.flywaydb").setLevel(Level.WARN);

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("stderr");
        console.setTarget("System.err");
        console.setEncoder(encoder(ctx, config.format(), redactor));
        console.start();
        root.addAppender(console);

        if (!config.file().isEmpty()) {
            RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
            file.setContext(ctx);
            file.setName("file");
            file.setFile(config.file());
            WideFixedWindowRollingPolicy rolling = new WideFixedWindowRollingPolicy();
            rolling.setContext(ctx);
            rolling.setParent(file);
            rolling.setFileNamePattern(config.file() + ".%i");
            rolling.setMinIndex(1);
            rolling.setMaxIndex(config.maxFiles());
            rolling.start();
            SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
            trigger.setContext(ctx);
            trigger.setMaxFileSize(new FileSize(config.maxFileBytes()));
            // Logback checks the size at most once a minute by default, so a busy log grew far past
            // max_file_bytes before it rotated; check on every event (one stat of the active file).
            trigger.setCheckIncrement(Duration.buildByMilliseconds(0));
            trigger.start();
            file.setRollingPolicy(rolling);
            file.setTriggeringPolicy(trigger);
            file.setEncoder(encoder(ctx, config.format(), redactor));
            file.start();
            root.addAppender(file);
        }
    }

    /** Applies a hot change of {@code logging.level}. */
    public static void setLevel(String level) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(level(level));
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, String format, SecretRedactor redactor) {
        Encoder<ILoggingEvent> inner;
        if (format.equals("json")) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(ctx);
            inner = json;
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setContext(ctx);
            text.setPattern(TEXT_PATTERN);
            inner = text;
        }
        RedactingEncoder redacting = new RedactingEncoder(inner, redactor);
        redacting.setContext(ctx);
        redacting.start();
        return redacting;
    }

    private static Level level(String name) {
        return Level.toLevel(name.toUpperCase(Locale.ROOT), Level.INFO);
    }

    /** Logback caps fixed windows at 20 files; {@code logging.max_files} allows up to 1000. */
    private static final class WideFixedWindowRollingPolicy extends FixedWindowRollingPolicy {
        @Override
        protected int getMaxWindowSize() {
            return 1000;
        }
    }
}
