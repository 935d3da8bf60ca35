// Push -> handler latency of the aman event bus, for bench/events-bench.sh. Single-file program, not part
// of the build:
//
//   java -cp target/aman-all.jar bench/E2eBench.java HOME DURATION_S WARMUP_S CONNECTIONS...
//
// Starts a Daemon in this JVM on HOME (127.0.0.1:0, a random token; HOME/config.yaml is read as usual) with
// one bus handler, "skill:bench-e2e", for event type "bench.e2e". Then, for each CONNECTIONS value, it runs
// that many virtual threads, each sending POST /events/push (at_least_once) over its own keep-alive
// HTTP/1.1 connection in a loop: WARMUP_S seconds unrecorded, then DURATION_S seconds recorded. Every payload
// carries System.nanoTime() at send, so the handler, in the same JVM, records push -> handler start exactly.
// After a phase it waits (at most 30 s) until the handler has seen every accepted event of the phase. Prints
// one line per phase:
//
//   e2e c=N pushes=.. push_rps=.. push_p50_ms=.. push_p99_ms=.. handled=.. e2e_p50_ms=.. e2e_p99_ms=.. errors=..
//
// The load generator shares the JVM and the CPUs with the daemon (as wrk does when run on the same machine).

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.Daemon;
import dev.aman.bus.Event;
import dev.aman.bus.EventHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public final class E2eBench {
    /** A growable list of longs; thread-safe through its own monitor (contention is negligible at these rates). */
    static final class Samples {
        private long[] values = new long[1 << 16];
        private int size;

        synchronized void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        synchronized int size() {
            return size;
        }

        /** Percentile in milliseconds of nanosecond samples (nearest rank). */
        synchronized String percentileMs(double p) {
            if (size == 0) {
                return "-";
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(p / 100.0 * size);
            return String.format(Locale.ROOT, "%.2f", sorted[Math.max(0, rank - 1)] / 1e6);
        }
    }

    /** Records push -> handler latency of the phase being measured; other phases are only counted. */
    static final class Handler implements EventHandler {
        volatile int recordPhase = -1;
        volatile Samples samples = new Samples();
        final AtomicInteger handledInPhase = new AtomicInteger();

        @Override
        public String id() {
            return "skill:bench-e2e";
        }

        @Override
        public boolean matches(Event event) {
            return "bench.e2e".equals(event.eventType());
        }

        @Override
        public void handle(Event event) {
            long now = System.nanoTime();
            JsonNode p = event.payload();
            if (p.path("phase").asInt(-2) == recordPhase) {
                samples.add(now - p.path("t").asLong());
                handledInPhase.incrementAndGet();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: java -cp aman-all.jar bench/E2eBench.java HOME DURATION_S WARMUP_S CONNECTIONS...");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int duration = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        String token = "bench-" + HexFormat.of().formatHex(randomBytes(12));

        Handler handler = new Handler();
        Daemon daemon = Daemon.prepare(new Daemon.Options(home.toString(), null, "127.0.0.1:0", token), Map.of(),
                home.getParent(), Clock.systemUTC());
        daemon.subscribe(handler);
        InetSocketAddress address = daemon.listen();
        daemon.startRuntime();
        URI push = URI.create("http://127.0.0.1:" + address.getPort() + "/events/push");
        try {
            int phase = 0;
            for (int i = 3; i < args.length; i++) {
                int connections = Integer.parseInt(args[i]);
                if (warmup > 0) {
                    load(push, token, connections, warmup, phase++, null);
                }
                int measured = phase++;
                handler.samples = new Samples();
                handler.handledInPhase.set(0);
                handler.recordPhase = measured;
                Samples pushLatency = new Samples();
                long[] result = load(push, token, connections, duration, measured, pushLatency);
                long accepted = result[0];
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (handler.handledInPhase.get() < accepted && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                System.out.printf(Locale.ROOT,
                        "e2e c=%d pushes=%d push_rps=%.0f push_p50_ms=%s push_p99_ms=%s handled=%d e2e_p50_ms=%s e2e_p99_ms=%s errors=%d%n",
                        connections, accepted, accepted / (result[2] / 1e9), pushLatency.percentileMs(50),
                        pushLatency.percentileMs(99), handler.handledInPhase.get(), handler.samples.percentileMs(50),
                        handler.samples.percentileMs(99), result[1]);
                System.out.flush();
            }
        } finally {
            daemon.lifecycle().shutdown(null).get(60, TimeUnit.SECONDS);
            daemon.close();
        }
        System.exit(0);
    }

    /** Runs {@code connections} senders for {@code seconds}; returns {accepted, errors, elapsed nanos}. */
    static long[] load(URI push, String token, int connections, int seconds, int phase, Samples latency)
            throws InterruptedException {
        AtomicLong accepted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> senders = new ArrayList<>();
        List<HttpClient> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            // one client per sender: each keeps exactly one keep-alive connection
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            clients.add(client);
            senders.add(Thread.ofVirtual().start(() -> {
                long n = 0;
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    String body = "{\"source\":\"bench\",\"event_type\":\"bench.e2e\",\"delivery\":\"at_least_once\","
                            + "\"payload\":{\"phase\":" + phase + ",\"t\":" + t + ",\"n\":" + (n++) + "}}";
                    HttpRequest req = HttpRequest.newBuilder(push).timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    try {
                        HttpResponse<String> res = client.send(req, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - t;
                        if (res.statusCode() == 200) {
                            accepted.incrementAndGet();
                            if (latency != null) {
                                latency.add(took);
                            }
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : senders) {
            t.join();
        }
        long elapsed = System.nanoTime() - start;
        clients.forEach(HttpClient::close);
        return new long[] {accepted.get(), errors.get(), elapsed};
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
