package dev.aman.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.testing.ApiClient;
import dev.aman.testing.ApiResult;
import dev.aman.testing.Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * FORMATS §4.2 and API.md §1.18 against a real crash: a daemon child process ({@code dev.aman.testing.SlowHandlerDaemon})
 * is killed with SIGKILL while its slow handler is half-way through 300 accepted events and an {@code exactly_once}
 * run is in flight, then a new child is started on the same home and database. Every accepted {@code at_least_once} event must reach the handler at least
 * once, no {@code exactly_once} event may reach it twice, an {@code exactly_once} event that never reached it must be
 * in the DLQ as an interrupted attempt, and audit records and DLQ entries written before the kill must survive.
 */
class CrashRecoveryTest {
    private static final String TOKEN = "crash-test-token-0123456789";
    private static final int AT_LEAST_ONCE = 200;
    private static final int EXACTLY_ONCE = 100;
    private static final int N = AT_LEAST_ONCE + EXACTLY_ONCE;
    private static final String HANDLER = "skill:slow";
    /**
     * One worker × (~20 ms + fsyncs) per delivery: under 50 deliveries/s, slower than the pushes even on a busy
     * machine, so the handler is still working through the 300 events when the pushes are done.
     */
    private static final String CONFIG = """
            event_bus:
              workers: 1
              rate_limit:
                burst: 1000
            """;
    private static final Pattern LISTENING = Pattern.compile("listening (\\d+)");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "[{0}]")
    @EnumSource(Backend.class)
    void accepted_events_survive_a_sigkill_during_delivery(Backend backend) throws Exception {
        assumeTrue(backend == Backend.SQLITE || Backend.postgresUrl() != null,
                "PostgreSQL leg skipped: AMAN_TEST_PG_URL is not set");
        String storageUrl = backend == Backend.POSTGRES ? Backend.createTestSchema() : null;
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve("config.yaml"), CONFIG, StandardCharsets.UTF_8);
        Path handled = dir.resolve("handled.txt");
        Path started = dir.resolve("started.txt");
        List<Child> children = new ArrayList<>();
        try {
            Child first = Child.start(dir, "first", home, handled, started, storageUrl);
            children.add(first);
            ApiClient api = first.api();

            // written before the kill: one audit record and one DLQ entry
            ApiResult set = api.with("x-aman-confirm", "yes")
                    .post("/config/set", "{\"changes\": {\"event_bus.retry.base_delay_ms\": 250}}");
            assertThat(set.status()).as(set.toString()).isEqualTo(200);
            String failedId = push(api, "{\"source\": \"crash-test\", \"event_type\": \"crash.test\", "
                    + "\"payload\": {\"n\": -1, \"fail\": true}}");
            await("DLQ entry of the failing event").atMost(Duration.ofSeconds(30))
                    .until(() -> dlqByEvent(api).containsKey(failedId));
            JsonNode dlqBefore = dlqByEvent(api).get(failedId);

            Map<String, String> accepted = pushAll(api); // id -> delivery
            Set<String> exactlyOnce = accepted.entrySet().stream().filter(e -> e.getValue().equals("exactly_once"))
                    .map(Map.Entry::getKey).collect(Collectors.toSet());
            awaitExactlyOnceRunThenKill(first, handled, started, exactlyOnce);
            int linesAtKill = handledLines(handled);
            assertThat(linesAtKill).as("handler lines when the child was killed").isBetween(1, N - 1);
            // began (attempt recorded before the handler ran) but never finished: must not run again
            Set<String> interrupted = new HashSet<>(counts(started).keySet());
            interrupted.removeAll(counts(handled).keySet());
            interrupted.retainAll(exactlyOnce);
            assertThat(interrupted).as("exactly_once runs cut short by the kill").isNotEmpty();

            Child second = Child.start(dir, "second", home, handled, started, storageUrl);
            children.add(second);
            ApiClient api2 = second.api();

            await("recovery of every accepted event").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        Map<String, Integer> seen = counts(handled);
                        Map<String, JsonNode> dlq = dlqByEvent(api2);
                        accepted.forEach((id, delivery) -> {
                            if (delivery.equals("at_least_once")) {
                                assertThat(seen).as("at_least_once " + id).containsKey(id);
                            } else {
                                assertThat(seen.containsKey(id) || dlq.containsKey(id))
                                        .as("exactly_once " + id + " handled or dead-lettered").isTrue();
                            }
                        });
                        ApiResult pending = api2.get("/events/recent?event_type=crash.test&status=pending&limit=1000");
                        assertThat(pending.json().get("items")).as("pending crash.test events").isEmpty();
                    });

            Map<String, Integer> seen = counts(handled);
            Map<String, Integer> begun = counts(started);
            Map<String, JsonNode> dlq = dlqByEvent(api2);
            for (String id : interrupted) {
                assertThat(seen).as("exactly_once " + id + " interrupted by the kill is not replayed").doesNotContainKey(id);
                assertThat(begun.get(id)).as("handler calls for exactly_once " + id).isEqualTo(1);
                assertThat(dlq).as("DLQ entry of interrupted exactly_once " + id).containsKey(id);
            }
            accepted.forEach((id, delivery) -> {
                if (delivery.equals("exactly_once")) {
                    assertThat(seen.getOrDefault(id, 0)).as("handler runs of exactly_once " + id).isLessThanOrEqualTo(1);
                    assertThat(begun.getOrDefault(id, 0)).as("handler calls for exactly_once " + id).isLessThanOrEqualTo(1);
                    if (!seen.containsKey(id)) {
                        JsonNode entry = dlq.get(id);
                        assertThat(entry.get("reason").asText()).isEqualTo("non_retryable");
                        assertThat(entry.get("last_error").asText()).startsWith("interrupted");
                        assertThat(entry.get("event").get("delivery").asText()).isEqualTo("exactly_once");
                    }
                } else {
                    assertThat(dlq).as("at_least_once events are replayed, never dead-lettered").doesNotContainKey(id);
                }
            });
            // the only other DLQ entries are interrupted exactly_once attempts whose side effect happened before the kill
            dlq.forEach((eventId, entry) -> {
                if (!eventId.equals(failedId)) {
                    assertThat(accepted.get(eventId)).as("dead-lettered " + eventId).isEqualTo("exactly_once");
                    assertThat(entry.get("last_error").asText()).startsWith("interrupted");
                }
            });
            long duplicates = seen.values().stream().filter(c -> c > 1).count();
            System.out.printf("[%s] lines at kill: %d of %d; lines now: %d; at_least_once handled twice: %d; "
                            + "exactly_once in flight at the kill: %d; dead-lettered as interrupted: %d (of which handled once: %d)%n",
                    backend.label(), linesAtKill, N, handledLines(handled), duplicates, interrupted.size(), dlq.size() - 1,
                    dlq.keySet().stream().filter(seen::containsKey).count());
            Map<String, String> statuses = statuses(api2);
            accepted.forEach((id, delivery) -> assertThat(statuses.get(id)).as("status of " + delivery + " " + id)
                    .isIn(delivery.equals("at_least_once") ? List.of("delivered") : List.of("delivered", "dead_lettered")));

            // written before the kill, still there
            JsonNode dlqAfter = dlq.get(failedId);
            assertThat(dlqAfter).as("DLQ entry written before the kill").isNotNull();
            assertThat(dlqAfter.get("id").asText()).isEqualTo(dlqBefore.get("id").asText());
            assertThat(dlqAfter.get("reason").asText()).isEqualTo("non_retryable");
            assertThat(dlqAfter.get("last_error").asText()).startsWith("test_failure");
            List<JsonNode> configAudit = items(api2.get("/audit-log?action=config.set"));
            assertThat(configAudit).anySatisfy(r -> {
                assertThat(r.get("outcome").asText()).isEqualTo("ok");
                assertThat(r.get("detail").asText()).contains("event_bus.retry.base_delay_ms");
            });
            List<String> pushTargets = items(api2.get("/audit-log?action=event.push&limit=1000")).stream()
                    .map(r -> r.get("target").asText()).toList();
            assertThat(pushTargets).as("event.push audit records")
                    .containsAll(accepted.keySet().stream().map(id -> "event:" + id).toList());
            assertThat(items(api2.get("/audit-log?action=runtime.recovery")))
                    .as("runtime.recovery of the second start replayed deliveries")
                    .anySatisfy(r -> assertThat(r.get("detail").asText()).matches("requeued=[1-9]\\d* .*"));
        } catch (Throwable t) {
            children.forEach(c -> System.err.println(c.output()));
            throw t;
        } finally {
            children.forEach(Child::close);
            if (storageUrl != null) {
                dropSchema(storageUrl);
            }
        }
    }

    // ---- pushing ----

    /** Pushes 200 at_least_once and 100 exactly_once events (every third one) from 8 connections. */
    private static Map<String, String> pushAll(ApiClient api) throws Exception {
        List<Future<String[]>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int n = 0; n < N; n++) {
                int i = n;
                futures.add(pool.submit(() -> {
                    boolean exactly = i % 3 == 2;
                    String body = "{\"source\": \"crash-test\", \"event_type\": \"crash.test\", \"payload\": {\"n\": " + i
                            + "}, \"delivery\": \"" + (exactly ? "exactly_once" : "at_least_once") + "\""
                            + (exactly ? ", \"dedup_key\": \"crash-" + i + "\"" : "") + "}";
                    return new String[] {push(api, body), exactly ? "exactly_once" : "at_least_once"};
                }));
            }
        }
        Map<String, String> accepted = new LinkedHashMap<>();
        for (Future<String[]> f : futures) {
            String[] r = f.get();
            accepted.put(r[0], r[1]);
        }
        assertThat(accepted.values().stream().filter("exactly_once"::equals).count()).isEqualTo(EXACTLY_ONCE);
        assertThat(accepted).hasSize(N);
        return accepted;
    }

    private static String push(ApiClient api, String body) {
        ApiResult r = api.post("/events/push", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("duplicate").asBoolean()).isFalse();
        return r.json().get("id").asText();
    }

    /**
     * Waits until the handler finished a third of the events and an exactly_once run has just begun (its start
     * line is new since the previous 1 ms poll, so ~20 ms of its sleep remain), then SIGKILLs the child.
     */
    private static void awaitExactlyOnceRunThenKill(Child child, Path handled, Path started, Set<String> exactlyOnce) {
        Set<String> previous = new HashSet<>();
        boolean[] primed = {false};
        await("an exactly_once run in flight after a third of the events").atMost(Duration.ofSeconds(60))
                .pollInSameThread().pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    if (!child.process.isAlive() || handledLines(handled) < N / 3) {
                        return !child.process.isAlive();
                    }
                    Set<String> inFlight = new HashSet<>(counts(started).keySet());
                    inFlight.removeAll(counts(handled).keySet());
                    inFlight.retainAll(exactlyOnce);
                    boolean fresh = primed[0] && !previous.containsAll(inFlight);
                    primed[0] = true;
                    previous.clear();
                    previous.addAll(inFlight);
                    return fresh;
                });
        child.kill();
    }

    // ---- reading results ----

    /** Complete lines of the handler's file: {@code <event id> <n>}; a torn last line would not count. */
    private static List<String> lines(Path handled) {
        try {
            if (!Files.exists(handled)) {
                return List.of();
            }
            String all = Files.readString(handled, StandardCharsets.UTF_8);
            int end = all.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(all.substring(0, end).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int handledLines(Path handled) {
        return lines(handled).size();
    }

    /** How often each event id occurs in one of the handler's files. */
    private static Map<String, Integer> counts(Path file) {
        Map<String, Integer> counts = new HashMap<>();
        for (String line : lines(file)) {
            counts.merge(line.substring(0, line.indexOf(' ')), 1, Integer::sum);
        }
        return counts;
    }

    private static Map<String, JsonNode> dlqByEvent(ApiClient api) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode e : items(api.get("/dlq?handler=" + HANDLER + "&limit=1000"))) {
            JsonNode previous = out.put(e.get("event").get("id").asText(), e);
            assertThat(previous).as("one DLQ entry per event and handler: " + e).isNull();
        }
        return out;
    }

    private static Map<String, String> statuses(ApiClient api) {
        return items(api.get("/events/recent?event_type=crash.test&limit=1000")).stream()
                .collect(Collectors.toMap(r -> r.get("id").asText(), r -> r.get("status").asText()));
    }

    private static List<JsonNode> items(ApiResult r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().get("items").forEach(out::add);
        return out;
    }

    private static void dropSchema(String storageUrl) {
        String schema = storageUrl.substring(storageUrl.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = DriverManager.getConnection(Backend.postgresUrl()); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            // a leftover schema only costs disk space
        }
    }

    // ---- the child process ----

    /** One {@code SlowHandlerDaemon} JVM with its output in files (so a full pipe can never block it). */
    private static final class Child implements AutoCloseable {
        final String name;
        final Process process;
        final Path stdout;
        final Path stderr;
        /** Kills the child if the test JVM itself ends without reaching {@link #close()}. */
        final Thread reaper;
        int port;

        private Child(String name, Process process, Path stdout, Path stderr) {
            this.name = name;
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
            this.reaper = new Thread(process::destroyForcibly, "crash-test-reaper-" + process.pid());
            Runtime.getRuntime().addShutdownHook(reaper);
        }

        static Child start(Path dir, String name, Path home, Path handled, Path started, String storageUrl)
                throws IOException {
            String java = ProcessHandle.current().info().command()
                    .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
            ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    "dev.aman.testing.SlowHandlerDaemon", home.toString(), TOKEN, handled.toString(), started.toString());
            pb.environment().clear();
            for (String v : List.of("PATH", "HOME")) {
                Optional.ofNullable(System.getenv(v)).ifPresent(value -> pb.environment().put(v, value));
            }
            if (storageUrl != null) {
                pb.environment().put("AMAN_STORAGE_URL", storageUrl);
            }
            Path out = dir.resolve(name + ".stdout");
            Path err = dir.resolve(name + ".stderr");
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Child child = new Child(name, pb.start(), out, err);
            try {
                child.awaitListening();
            } catch (IOException | RuntimeException | Error e) {
                System.err.println(child.output());
                child.close();
                throw e;
            }
            return child;
        }

        private void awaitListening() throws IOException {
            await(name + " child listening").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> listeningPort() != null || !process.isAlive());
            Integer p = listeningPort();
            if (p == null) {
                throw new AssertionError(name + " child exited with " + process.exitValue() + " before listening");
            }
            port = p;
            ApiClient anonymous = new ApiClient(base(), Map.of());
            await(name + " child ready").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> anonymous.get("/health/ready").status() == 200);
        }

        private Integer listeningPort() throws IOException {
            for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
                Matcher m = LISTENING.matcher(line);
                if (m.matches()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            return null;
        }

        String base() {
            return "http://127.0.0.1:" + port;
        }

        ApiClient api() {
            return new ApiClient(base(), Map.of("Authorization", "Bearer " + TOKEN));
        }

        /** SIGKILL ({@link Process#destroyForcibly()} on Linux); no shutdown hook, drain or checkpoint runs. */
        void kill() {
            process.destroyForcibly();
            try {
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(name + " child exited after SIGKILL").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            assertThat(process.exitValue()).as("exit status of a SIGKILLed JVM").isEqualTo(128 + 9);
        }

        String output() {
            try {
                return "--- " + name + " child (" + (process.isAlive() ? "running" : "exit " + process.exitValue())
                        + ") stdout:\n" + Files.readString(stdout) + "--- stderr:\n" + Files.readString(stderr);
            } catch (IOException e) {
                return "--- " + name + " child: output unreadable: " + e;
            }
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs anyway
            }
        }
    }
}
