package dev.aman.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * aman as a real child process: {@code java -cp <test class path> dev.aman.Main <args>} with the running
 * JVM, an explicit environment (only {@code PATH} and {@code HOME} are inherited) and both output streams
 * captured line by line. {@link #close()} stops the child (SIGTERM, then SIGKILL) and its descendants; a
 * JVM shutdown hook kills whatever is still running, so no child outlives the test run.
 *
 * <p>The directories of the class path ({@code target/classes}, {@code target/test-classes}) are copied
 * once per test JVM and children run from the copy, so that a rebuild of {@code target/} while the tests
 * run (an IDE, another {@code mvn} in the same tree) cannot pull classes from under a starting child.
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
    private final List<String> out = Collections.synchronizedList(new ArrayList<>());
    private final List<String> err = Collections.synchronizedList(new ArrayList<>());
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
        cmd.add("-XX:TieredStopAtLevel=1"); // children live for seconds: start fast rather than peak
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(ClassPathSnapshot.CLASS_PATH);
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
        synchronized (out) {
            return out.stream().filter(l -> LISTENING.matcher(l).matches()).findFirst().orElse(null);
        }
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

    /** Waits until {@code GET /health/ready} answers 200; fails with the child's output if it exits first. */
    public DaemonProcess awaitReady() {
        ApiClient client = anonymous();
        await("readiness of " + this).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions() // connection refused while Jetty is still starting
                .until(() -> !process.isAlive() || client.get("/health/ready").status() == 200);
        if (!process.isAlive()) {
            joinReaders();
            throw new AssertionError("aman exited with code " + process.exitValue() + " before it was ready\n" + output());
        }
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
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    public List<String> stderrLines() {
        synchronized (err) {
            return List.copyOf(err);
        }
    }

    public String stdout() {
        return String.join("\n", stdoutLines());
    }

    public String stderr() {
        return String.join("\n", stderrLines());
    }

    /** Both streams (the last 300 lines of each), for failure messages. */
    public String output() {
        return "--- command: " + String.join(" ", shortenedCommand()) + "\n--- stdout:\n" + tail(stdoutLines())
                + "\n--- stderr:\n" + tail(stderrLines());
    }

    private static String tail(List<String> lines) {
        int skip = Math.max(0, lines.size() - 300);
        String shown = String.join("\n", lines.subList(skip, lines.size()));
        return skip == 0 ? shown : "(" + skip + " earlier lines omitted)\n" + shown;
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

    /** The test class path with its directories replaced by a private copy taken at first use. */
    private static final class ClassPathSnapshot {
        static final String CLASS_PATH = snapshot();

        private static String snapshot() {
            String[] copy = new String[1];
            // a rebuild in progress may leave target/classes half written: copy again until Main is there
            await("a complete copy of the class path").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .pollInSameThread() // the poll runs inside this class's initialiser
                    .until(() -> {
                        copy[0] = copyClassPath();
                        return Stream.of(copy[0].split(File.pathSeparator))
                                .anyMatch(e -> Files.isRegularFile(Path.of(e, "dev", "aman", "Main.class")));
                    });
            return copy[0];
        }

        private static String copyClassPath() {
            try {
                Path root = Files.createTempDirectory("aman-classpath-");
                List<String> entries = new ArrayList<>();
                int n = 0;
                for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                    Path p = Path.of(entry);
                    if (Files.isDirectory(p)) {
                        Path copy = root.resolve(Integer.toString(n++));
                        copyTree(p, copy);
                        entries.add(copy.toString());
                    } else {
                        entries.add(entry);
                    }
                }
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root), "classpath-snapshot-cleanup"));
                return String.join(File.pathSeparator, entries);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the test class path", e);
            }
        }

        private static void copyTree(Path from, Path to) throws IOException {
            try (Stream<Path> walk = Files.walk(from)) {
                for (Path src : (Iterable<Path>) walk::iterator) {
                    Path dst = to.resolve(from.relativize(src).toString());
                    if (Files.isDirectory(src)) {
                        Files.createDirectories(dst);
                    } else {
                        try {
                            Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
                        } catch (NoSuchFileException e) {
                            // removed by a concurrent rebuild while copying
                        }
                    }
                }
            }
        }

        private static void deleteTree(Path root) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // temp files are cleaned by the OS eventually
            }
        }
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
