package dev.aman.bus;

import dev.aman.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code data/overflow/}: internal guaranteed events spilled at backpressure level 4 (FORMATS §2.7.5), one
 * fsynced {@code <event id>.json} each, replayed oldest first (UUIDv7 names sort by time) when the level
 * falls below 3 and at start. Thread-safe.
 */
final class SpillStore {
    private static final Logger log = LoggerFactory.getLogger(SpillStore.class);
    private final Path dir;
    private final AtomicLong bytes = new AtomicLong();

    SpillStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(f -> bytes.addAndGet(f.toFile().length()));
            }
        } catch (IOException e) {
            log.atWarn().setCause(e).log("cannot read the overflow directory");
        }
    }

    /** Writes the event; false when it would exceed {@code maxBytes} (the caller refuses it then). */
    boolean spill(Event e, long maxBytes) {
        byte[] json = Json.write(e).getBytes(StandardCharsets.UTF_8);
        if (maxBytes <= 0 || bytes.get() + json.length > maxBytes) {
            return false;
        }
        Path file = dir.resolve(e.id() + ".json");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(json));
            ch.force(true);
        } catch (IOException ex) {
            log.atWarn().addKeyValue("event_id", e.id()).setCause(ex).log("spill failed");
            return false;
        }
        bytes.addAndGet(json.length);
        return true;
    }

    /** Spilled events, oldest first. */
    List<Path> files() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    Event read(Path file) throws IOException {
        return Json.mapper().readValue(Files.readString(file), Event.class);
    }

    void remove(Path file) {
        try {
            long size = Files.size(file);
            Files.deleteIfExists(file);
            bytes.addAndGet(-size);
        } catch (IOException e) {
            log.atWarn().setCause(e).log("cannot remove spill file");
        }
    }

    int count() {
        return new ArrayList<>(files()).size();
    }
}
