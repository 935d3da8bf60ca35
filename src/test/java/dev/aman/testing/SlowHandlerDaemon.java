package dev.aman.testing;

import dev.aman.Daemon;
import dev.aman.bus.Event;
import dev.aman.bus.EventHandler;
import dev.aman.bus.HandlerFailure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A daemon with one slow bus handler, run as a child process by crash tests ({@code CrashRecoveryTest}):
 *
 * <pre>java -cp &lt;test class path&gt; dev.aman.testing.SlowHandlerDaemon HOME TOKEN OUT_FILE [STARTED_FILE]</pre>
 *
 * <p>It starts a daemon on {@code HOME} (bind {@code 127.0.0.1:0}, the storage URL comes from the environment,
 * e.g. {@code AMAN_STORAGE_URL}) with the handler {@code skill:slow} for {@code crash.test} events. The handler
 * waits about 20 ms, then appends {@code <event id> <payload.n>\n} to {@code OUT_FILE} and forces it to disk
 * before it returns, so every line in the file is a handler run that finished its side effect. With
 * {@code STARTED_FILE} it first appends the same line there when the run begins (one write, no fsync: enough to
 * survive a SIGKILL), so a test can see which runs were in flight when it killed the process. An event whose
 * payload has {@code "fail": true} fails non-retryably instead (straight to the DLQ) and writes nothing.
 * When the runtime is ready it prints the single line {@code listening PORT} on standard output (logs go to
 * standard error) and then blocks until the process is killed.
 */
public final class SlowHandlerDaemon {
    static final String HANDLER_ID = "skill:slow";
    static final String EVENT_TYPE = "crash.test";

    private SlowHandlerDaemon() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: SlowHandlerDaemon HOME TOKEN OUT_FILE [STARTED_FILE]");
            System.exit(2);
        }
        Path home = Path.of(args[0]);
        FileChannel out = appendTo(Path.of(args[2]));
        FileChannel started = args.length == 4 ? appendTo(Path.of(args[3])) : null;
        Daemon daemon = Daemon.prepare(new Daemon.Options(home.toString(), null, "127.0.0.1:0", args[1]), System.getenv(),
                home.toAbsolutePath().getParent(), Clock.systemUTC());
        daemon.subscribe(new SlowHandler(out, started));
        InetSocketAddress address = daemon.listen();
        daemon.startRuntime();
        System.out.println("listening " + address.getPort());
        System.out.flush();
        new CountDownLatch(1).await(); // until SIGKILL (or SIGTERM, which just ends the JVM)
    }

    private static FileChannel appendTo(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Sleeps ~20 ms, then appends and fsyncs one line per delivery attempt. */
    private static final class SlowHandler implements EventHandler {
        private final FileChannel out;
        private final FileChannel started;
        private final ReentrantLock lock = new ReentrantLock();

        SlowHandler(FileChannel out, FileChannel started) {
            this.out = out;
            this.started = started;
        }

        @Override
        public String id() {
            return HANDLER_ID;
        }

        @Override
        public boolean matches(Event event) {
            return EVENT_TYPE.equals(event.eventType());
        }

        @Override
        public void handle(Event event) throws InterruptedException, IOException {
            if (event.payload().path("fail").asBoolean(false)) {
                throw HandlerFailure.nonRetryable("test_failure", "scripted failure of event " + event.id());
            }
            byte[] line = (event.id() + " " + event.payload().path("n").asText() + "\n").getBytes(StandardCharsets.UTF_8);
            if (started != null) {
                append(started, line, false);
            }
            Thread.sleep(20);
            append(out, line, true);
        }

        private void append(FileChannel file, byte[] line, boolean fsync) throws IOException {
            lock.lock();
            try {
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    file.write(buf);
                }
                if (fsync) {
                    file.force(false);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
