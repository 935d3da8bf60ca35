package dev.aman.home;

import dev.aman.AmanException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive operating-system lock on {@code data/aman.lock}, held for the life of the daemon. A stale
 * file without a holder is simply reused: the OS releases the lock when its process dies.
 */
public final class HomeLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private HomeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Another daemon holds the lock on this home. */
    public static final class Held extends AmanException {
        public Held(Path file) {
            super("home directory is locked by another aman daemon: " + file);
        }
    }

    public static HomeLock acquire(Path home) throws IOException {
        Path file = home.resolve("data").resolve("aman.lock");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM (a second in-process daemon)
        }
        if (lock == null) {
            ch.close();
            throw new Held(file);
        }
        ch.truncate(0);
        ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
        ch.force(false);
        return new HomeLock(ch, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the OS drops the lock with the process anyway
        }
    }
}
