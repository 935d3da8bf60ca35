package dev.aman.testing;

import dev.aman.Daemon;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real daemon for one test, started in-process on {@code 127.0.0.1:0} in a temporary home with a token
 * and the test's backend. Configure it ({@link #config}, {@link #env}, {@link #token}) before the first
 * {@link #start()}; {@link #api()} starts it with defaults when needed.
 */
public final class Aman implements AutoCloseable {
    public static final String TOKEN = "test-token-0123456789";

    private final Path dir;
    private final Path home;
    private final Backend backend;
    private final String storageUrl;
    private final String testName;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String token = TOKEN;
    private boolean noStart;
    private final java.util.List<dev.aman.bus.EventHandler> handlers = new java.util.ArrayList<>();
    private Daemon daemon;
    private InetSocketAddress address;

    Aman(Path dir, Backend backend, String storageUrl, String testName) {
        this.dir = dir;
        this.home = dir.resolve("home");
        this.backend = backend;
        this.storageUrl = storageUrl;
        this.testName = testName;
        if (storageUrl != null) {
            env.put("AMAN_STORAGE_URL", storageUrl);
        }
    }

    public Backend backend() {
        return backend;
    }

    public Path home() {
        return home;
    }

    /** Writes {@code <home>/config.yaml}. */
    public Aman config(String yaml) {
        try {
            Files.createDirectories(home);
            Files.writeString(home.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public Aman env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** The token to configure; "" = development mode. */
    public Aman token(String t) {
        this.token = t;
        return this;
    }

    /**
     * Registers a bus handler (a test fake: scripted success, failure or slowness); it stays registered across
     * {@link #restart()}. May be called before or after start.
     */
    public Aman subscribe(dev.aman.bus.EventHandler handler) {
        handlers.add(handler);
        if (daemon != null) {
            daemon.subscribe(handler);
        }
        return this;
    }

    /** Start in phase 0 ({@code --no-start}). */
    public Aman noStart() {
        this.noStart = true;
        return this;
    }

    public Aman start() {
        try {
            daemon = Daemon.prepare(new Daemon.Options(home.toString(), null, "127.0.0.1:0", token), env, dir, Clock.systemUTC());
            handlers.forEach(daemon::subscribe);
            address = daemon.listen();
            if (!noStart) {
                daemon.startRuntime();
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops (draining, as a shutdown would) and starts again on the same home and database. */
    public Aman restart() {
        stop();
        noStart = false;
        return start();
    }

    public void stop() {
        if (daemon == null) {
            return;
        }
        try {
            daemon.lifecycle().shutdown(null).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("shutdown failed", e);
        } finally {
            daemon.close();
            daemon = null;
        }
    }

    public Daemon daemon() {
        if (daemon == null) {
            start();
        }
        return daemon;
    }

    public String baseUrl() {
        daemon();
        return "http://127.0.0.1:" + address.getPort();
    }

    public int port() {
        daemon();
        return address.getPort();
    }

    /** A client that sends the token as {@code Authorization: Bearer}. */
    public ApiClient api() {
        return new ApiClient(baseUrl(), token.isEmpty() ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    /** A client without credentials. */
    public ApiClient anonymous() {
        return new ApiClient(baseUrl(), Map.of());
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (storageUrl != null) {
                Backend.dropSchema(storageUrl);
            }
            deleteTree(dir);
        }
    }

    void printLog() {
        System.err.println("[" + testName + "/" + backend.label() + "] daemon home was " + home);
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException e) {
            // temp files are cleaned by the OS eventually
        }
    }
}
