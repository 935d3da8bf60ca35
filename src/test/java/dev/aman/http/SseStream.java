package dev.aman.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One {@code GET /events/stream} connection for tests. Lines are read with {@code BodyHandlers.ofLines()} on
 * a background virtual thread into a queue and parsed into frames on demand; {@link #close()} cancels the
 * stream. A non-200 answer is read whole and available as {@link #body()}.
 */
final class SseStream implements AutoCloseable {
    private static final String END = "\u0000end";

    /** One frame: the lines up to a blank line. */
    record Frame(List<String> lines) {
        String field(String name) {
            return lines.stream().filter(l -> l.startsWith(name + ": ")).map(l -> l.substring(name.length() + 2))
                    .findFirst().orElse(null);
        }

        String event() {
            return field("event");
        }

        String id() {
            return field("id");
        }

        String data() {
            return field("data");
        }

        boolean is(String event) {
            return event.equals(event());
        }
    }

    private final HttpClient client;
    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> allLines = new ArrayList<>();
    private final String body;
    private final Thread reader;

    private SseStream(HttpClient client, HttpResponse<Stream<String>> response) {
        this.client = client;
        this.response = response;
        if (response.statusCode() == 200) {
            this.body = null;
            this.reader = Thread.ofVirtual().name("sse-test-reader").start(() -> {
                try {
                    response.body().forEach(lines::add);
                } catch (RuntimeException e) {
                    // cancelled or the server went away
                } finally {
                    lines.add(END);
                }
            });
        } else {
            this.body = response.body().collect(Collectors.joining("\n"));
            this.reader = null;
        }
    }

    static SseStream open(String baseUrl, String pathAndQuery, Map<String, String> headers) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET();
        headers.forEach(b::header);
        try {
            return new SseStream(client, client.send(b.build(), HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            client.shutdownNow();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            client.shutdownNow();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int status() {
        return response.statusCode();
    }

    String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The whole body of a non-200 answer. */
    String body() {
        return body;
    }

    /** The next raw line, or fails after the timeout. */
    String nextLine(Duration timeout) {
        try {
            String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError("no line within " + timeout + "; so far: " + allLines);
            }
            if (line.equals(END)) {
                lines.add(END);
                throw new AssertionError("stream ended; lines: " + allLines);
            }
            allLines.add(line);
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next frame (lines up to a blank line; blank lines between frames are skipped). */
    Frame nextFrame(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> frame = new ArrayList<>();
        while (true) {
            String line = nextLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (line.isEmpty()) {
                if (!frame.isEmpty()) {
                    return new Frame(List.copyOf(frame));
                }
                continue;
            }
            frame.add(line);
        }
    }

    /**
     * Reads frames until one matches; returns every frame read, the match last.
     */
    List<Frame> framesUntil(Predicate<Frame> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Frame> read = new ArrayList<>();
        while (true) {
            Frame f = nextFrame(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            read.add(f);
            if (match.test(f)) {
                return read;
            }
        }
    }

    /** Every raw line read so far. */
    List<String> linesSoFar() {
        return List.copyOf(allLines);
    }

    @Override
    public void close() {
        if (reader != null) {
            response.body().close();
            reader.interrupt();
        }
        client.shutdownNow();
    }
}
