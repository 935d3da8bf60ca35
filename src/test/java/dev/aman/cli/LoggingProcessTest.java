package dev.aman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aman.json.Json;
import dev.aman.testing.ApiClient;
import dev.aman.testing.DaemonProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The daemon log (FORMATS §2.7.4, §1.2): redaction, JSON format, size-based rotation. */
class LoggingProcessTest {
    static final String TOKEN = "proc-test-token-0123456789";

    @RegisterExtension
    final DaemonProcess.Scope processes = new DaemonProcess.Scope();

    @TempDir
    Path home;

    private void config(String yaml) throws IOException {
        Files.writeString(home.resolve("config.yaml"), yaml);
    }

    private Path logFile() {
        return home.resolve("logs").resolve("aman.log");
    }

    @Test
    void the_token_never_reaches_the_log_file_or_stderr() throws IOException {
        config("http:\n  token: " + TOKEN + "\nlogging:\n  level: trace\n");
        DaemonProcess aman = processes.start(DaemonProcess.run(home)).awaitReady();
        ApiClient api = aman.api(TOKEN);

        assertThat(api.get("/runtime/status").status()).isEqualTo(200);
        assertThat(api.with("x-aman-token", TOKEN).get("/runtime/config").status()).isEqualTo(200);
        assertThat(aman.anonymous().get("/runtime/status?token=" + TOKEN).status()).isEqualTo(401);
        assertThat(aman.anonymous().get("/runtime/status?access_token=" + TOKEN).status()).isEqualTo(401);
        assertThat(aman.anonymous().get("/no/such/path?token=" + TOKEN).status()).isEqualTo(404);
        assertThat(api.with("x-aman-confirm", "yes").post("/agent/shutdown", "{\"reason\": \"" + TOKEN + "\"}").status())
                .isEqualTo(200);
        assertThat(aman.waitForExit(Duration.ofSeconds(10))).isZero();

        String fileLog = Files.readString(logFile());
        assertThat(fileLog).contains("runtime ready").doesNotContain(TOKEN);
        assertThat(aman.stderr()).contains("runtime ready").doesNotContain(TOKEN);
        assertThat(aman.stdout()).doesNotContain(TOKEN);
    }

    @Test
    void json_format_writes_one_json_object_per_line() throws IOException {
        config("logging:\n  format: json\n");
        DaemonProcess aman = processes.start(DaemonProcess.run(home).token(TOKEN)).awaitReady();
        aman.sigterm();
        assertThat(aman.waitForExit(Duration.ofSeconds(20))).isZero();

        List<String> lines = Files.readAllLines(logFile());

        assertThat(lines).isNotEmpty().allSatisfy(line -> {
            JsonNode node = Json.parse(line);
            assertThat(node.isObject()).as(line).isTrue();
            assertThat(node.has("level")).as(line).isTrue();
        });
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("runtime ready"));
    }

    @Test
    void the_log_rotates_by_size_and_keeps_at_most_max_files() throws Exception {
        config("logging:\n  level: debug\n  max_file_bytes: 1MiB\n  max_files: 2\n");
        DaemonProcess aman = processes.start(DaemonProcess.run(home).token(TOKEN)).awaitReady();
        Path logs = home.resolve("logs");
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create(aman.baseUrl() + "/health/live");

        int sent = 0;
        int sentWhenFirstRotated = -1;
        int sentWhenSecondRotated = -1;
        // each request logs one DEBUG line of ~150 bytes, so ~7 000 requests fill a 1 MiB file. Go on until
        // aman.log.2 exists and one more file's worth was written (a third rotation), at most 45 000 requests.
        while (sent < 45_000) {
            List<CompletableFuture<HttpResponse<Void>>> batch = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                batch.add(http.sendAsync(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding()));
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
            sent += batch.size();
            assertThat(logs.resolve("aman.log.3")).doesNotExist();
            if (sentWhenFirstRotated < 0 && Files.exists(logs.resolve("aman.log.1"))) {
                sentWhenFirstRotated = sent;
            }
            if (sentWhenSecondRotated < 0 && Files.exists(logs.resolve("aman.log.2"))) {
                sentWhenSecondRotated = sent;
            }
            if (sentWhenSecondRotated > 0 && sent - sentWhenSecondRotated >= sentWhenFirstRotated) {
                break;
            }
        }

        assertThat(sentWhenFirstRotated).as("requests until aman.log.1 appeared").isPositive();
        assertThat(sentWhenSecondRotated).as("requests until aman.log.2 appeared").isPositive();
        try (var files = Files.list(logs)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("aman.log")).sorted())
                    .containsExactly("aman.log", "aman.log.1", "aman.log.2");
        }
        assertThat(Files.size(logs.resolve("aman.log.1"))).isBetween(1L << 20, (1L << 20) + (4L << 10));
        assertThat(Files.readString(logs.resolve("aman.log.1"))).contains("DEBUG").contains("/health/live");
    }
}
