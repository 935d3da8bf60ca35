package dev.aman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aman.testing.DaemonProcess;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code bin/aman} launcher: finds a JDK, builds the jar when needed, runs it. */
class LauncherScriptTest {
    @RegisterExtension
    final DaemonProcess.Scope processes = new DaemonProcess.Scope();

    @Test
    void launcher_prints_the_version() {
        Path root = Path.of(System.getProperty("user.dir"));
        Path script = root.resolve("bin").resolve("aman");
        assertThat(script).isRegularFile();
        assumeTrue(onPath("mvn"), "launcher test skipped: Maven (mvn) is not on PATH, so bin/aman cannot build the jar");
        Path javaHome = Path.of(DaemonProcess.javaBinary()).getParent().getParent();

        DaemonProcess aman = processes.start(DaemonProcess.program("bash", script.toString(), "--version")
                .workDir(root).env("JAVA_HOME", javaHome.toString()));

        // a missing or stale target/aman-all.jar is built first (mvn package), which takes about a minute
        assertThat(aman.waitForExit(Duration.ofMinutes(5))).as(aman.output()).isZero();
        assertThat(aman.stdoutLines()).as(aman.output()).containsExactly("aman 1.0.0");
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
