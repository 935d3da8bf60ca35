package dev.aman.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.aman.config.SecretRedactor;
import java.nio.charset.StandardCharsets;

/** Passes every encoded log line through the {@link SecretRedactor} before it is written anywhere. */
final class RedactingEncoder extends EncoderBase<ILoggingEvent> {
    private final Encoder<ILoggingEvent> inner;
    private final SecretRedactor redactor;

    RedactingEncoder(Encoder<ILoggingEvent> inner, SecretRedactor redactor) {
        this.inner = inner;
        this.redactor = redactor;
    }

    @Override
    public byte[] headerBytes() {
        return inner.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] raw = inner.encode(event);
        String text = new String(raw, StandardCharsets.UTF_8);
        return redactor.redact(text).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return inner.footerBytes();
    }

    @Override
    public void start() {
        inner.start();
        super.start();
    }

    @Override
    public void stop() {
        inner.stop();
        super.stop();
    }
}
