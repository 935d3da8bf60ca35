package dev.aman.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * aman as a real child process: {@code java -cp <test class path> dev.aman.Main <args>} with the running
 * JVM, an explicit environment (only {@code PATH} and {@code HOME} are inherited) and both output streams
 * captured line by line. {@link #close()} stops the child (SIGTERM, then SIGKILL) and its descendants; a
 * JVM shutdown hook kills whatever is still running, so no child outlives the test run.
 *
 * <p>Tests register a {@link Scope} so that every process they start is closed after the test and its
 * output is printed when the test failed.
 */
public final class DaemonProcess implements AutoCloseable {
    /** The one line {@code aman run} prints on standard output (FORMATS §3.1 step 5). */
    public static final Pattern LISTENING = Pattern.compile("aman (\\S+) listening on (https?)://(\\S+):(\\d+)");

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }), "daemon-process-reaper"));
    }

    private final List<String> command;
    private final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    private DaemonProcess(List<String> command, Map<String, String> env, Path workDir) {
        this.command = List.copyOf(command);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        try {
            this.process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        LIVE.add(process);
        try {
            process.getOutputStream().close(); // the child reads nothing from standard input
        } catch (IOException e) {
            // nothing to close
        }
        this.outReader = reader(process.getInputStream(), out, "stdout-" + process.pid());
        this.errReader = reader(process.getErrorStream(), err, "stderr-" + process.pid());
    }

    /** {@code aman <args>} in the running JVM with the test class path. */
    public static Launch aman(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.aman.Main");
        return new Launch(cmd, List.of(args));
    }

    /** {@code aman run --home HOME --bind 127.0.0.1:0}; change the address with {@link Launch#bind}. */
    public static Launch run(Path home) {
        return aman("run", "--home", home.toString()).bind("127.0.0.1:0");
    }

    /** Any other program (the launcher script), same environment rules. */
    public static Launch program(String... command) {
        return new Launch(List.of(command), List.of());
    }

    /** The java executable of the running JVM. */
    public static String javaBinary() {
        return ProcessHandle.current().info().command().orElseGet(
                () -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** What to start: command, arguments, environment, working directory. */
    public static final class Launch {
        private final List<String> prefix;
        private final List<String> args;
        private final Map<String, String> env = new LinkedHashMap<>();
        private String bind;
        private String token;
        private Path workDir;

        private Launch(List<String> prefix, List<String> args) {
            this.prefix = prefix;
            this.args = new ArrayList<>(args);
            for (String name : List.of("PATH", "HOME")) {
                String v = System.getenv(name);
                if (v != null) {
                    env.put(name, v);
                }
            }
        }

        /** Replaces the {@code --bind} flag ({@code null} = no flag). */
        public Launch bind(String hostPort) {
            this.bind = hostPort;
            return this;
        }

        /** Adds {@code --token TOKEN}. */
        public Launch token(String t) {
            this.token = t;
            return this;
        }

        public Launch args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        public Launch env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Launch workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        List<String> commandLine() {
            List<String> cmd = new ArrayList<>(prefix);
            cmd.addAll(args);
            if (bind != null) {
                cmd.add("--bind");
                cmd.add(bind);
            }
            if (token != null) {
                cmd.add("--token");
                cmd.add(token);
            }
            return cmd;
        }

        /** Starts the child; prefer {@link Scope#start} so that it is cleaned up after the test. */
        public DaemonProcess start() {
            return new DaemonProcess(commandLine(), env, workDir);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the listening line and returns its port; fails if the child exits first. */
    public int port() {
        Matcher m = awaitListening(Duration.ofSeconds(60));
        return Integer.parseInt(m.group(4));
    }

    /** Waits for the listening line; fails with the child's output if it exits or takes longer than {@code max}. */
    public Matcher awaitListening(Duration max) {
        await("listening line of " + this).atMost(max).pollInterval(Duration.ofMillis(20))
                .until(() -> listeningLine() != null || !process.isAlive());
        String line = listeningLine();
        if (line == null) {
            joinReaders();
            throw new AssertionError("aman exited with code " + process.exitValue() + " before listening\n" + output());
        }
        Matcher m = LISTENING.matcher(line);
        if (!m.matches()) {
            throw new AssertionError("unexpected listening line: " + line);
        }
        return m;
    }

    private String listeningLine() {
        return out.stream().filter(l -> LISTENING.matcher(l).matches()).findFirst().orElse(null);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** A client that sends {@code Authorization: Bearer token} (none when {@code token} is null). */
    public ApiClient api(String token) {
        return new ApiClient(baseUrl(), token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    public ApiClient anonymous() {
        return api(null);
    }

    /** Waits until {@code GET /health/ready} answers 200. */
    public DaemonProcess awaitReady() {
        ApiClient client = anonymous();
        await("readiness of " + this).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("exited");
                    }
                    return client.get("/health/ready").status() == 200;
                });
        return this;
    }

    /** Waits for the child to exit and returns its exit code; fails if it is still running after {@code max}. */
    public int waitForExit(Duration max) {
        try {
            if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("process did not exit within " + max + ": " + this + "\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        LIVE.remove(process);
        joinReaders();
        return process.exitValue();
    }

    /** The exit code of a finished child. */
    public int exitCode() {
        return process.exitValue();
    }

    /** Sends SIGTERM ({@link Process#destroy()}). */
    public void sigterm() {
        process.destroy();
    }

    public List<String> stdoutLines() {
        return List.copyOf(out);
    }

    public List<String> stderrLines() {
        return List.copyOf(err);
    }

    public String stdout() {
        return String.join("\n", out);
    }

    public String stderr() {
        return String.join("\n", err);
    }

    /** Both streams, for failure messages. */
    public String output() {
        return "--- command: " + String.join(" ", shortenedCommand()) + "\n--- stdout:\n" + stdout() + "\n--- stderr:\n"
                + stderr();
    }

    /** Stops the child if it still runs (SIGTERM, then SIGKILL after 10 s), with all its descendants. */
    @Override
    public void close() {
        if (process.isAlive()) {
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
        LIVE.remove(process);
        joinReaders();
    }

    @Override
    public String toString() {
        return "aman[pid " + process.pid() + (process.isAlive() ? ", running" : ", exit " + process.exitValue()) + "]";
    }

    private List<String> shortenedCommand() {
        List<String> shown = new ArrayList<>();
        for (String c : command) {
            shown.add(c.length() > 200 ? c.substring(0, 60) + "…" : c);
        }
        return shown;
    }

    private void joinReaders() {
        try {
            outReader.join(5_000);
            errReader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread reader(InputStream in, List<String> sink, String name) {
        return Thread.ofPlatform().name(name).daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.add(line);
                }
            } catch (IOException e) {
                // the child is gone
            }
        });
    }

    /**
     * The processes of one test: {@code @RegisterExtension final DaemonProcess.Scope processes = new
     * DaemonProcess.Scope();}. After each test every process is closed, and when the test failed their
     * output is printed to standard error.
     */
    public static final class Scope implements AfterEachCallback {
        private final List<DaemonProcess> started = new CopyOnWriteArrayList<>();

        public DaemonProcess start(Launch launch) {
            DaemonProcess p = launch.start();
            started.add(p);
            return p;
        }

        /** Starts the command and waits (at most 60 s) until it exits; for short-lived client commands. */
        public DaemonProcess exec(Launch launch) {
            DaemonProcess p = start(launch);
            p.waitForExit(Duration.ofSeconds(60));
            return p;
        }

        @Override
        public void afterEach(ExtensionContext context) {
            for (DaemonProcess p : started) {
                p.close();
                if (context.getExecutionException().isPresent()) {
                    System.err.println("[" + context.getDisplayName() + "] " + p + "\n" + p.output());
                }
            }
            started.clear();
        }
    }
}
