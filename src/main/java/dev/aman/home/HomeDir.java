package dev.aman.home;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Resolves the home directory (FORMATS §1.1) and creates its layout (§1.2). */
public final class HomeDir {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private HomeDir() {
    }

    /** {@code --home} flag, else {@code AMAN_HOME}, else {@code ~/.aman}; {@code ~/} expanded; made absolute. */
    public static Path resolve(String flag, Map<String, String> env, Path userHome) {
        String chosen = flag != null && !flag.isBlank() ? flag
                : env.get("AMAN_HOME") != null && !env.get("AMAN_HOME").isBlank() ? env.get("AMAN_HOME") : null;
        Path p;
        if (chosen == null) {
            p = userHome.resolve(".aman");
        } else if (chosen.equals("~")) {
            p = userHome;
        } else if (chosen.startsWith("~/")) {
            p = userHome.resolve(chosen.substring(2));
        } else {
            p = Path.of(chosen);
        }
        return p.toAbsolutePath().normalize();
    }

    /**
     * Creates every missing directory of the layout, resolves symbolic links in the home path once, and
     * empties {@code data/tmp}. Never creates config.yaml.
     *
     * @return the real path of home
     */
    public static Path prepare(Path home) throws IOException {
        createPrivate(home);
        Path real = home.toRealPath();
        Files.createDirectories(real.resolve("skills"));
        Files.createDirectories(real.resolve("workflows"));
        Files.createDirectories(real.resolve("plugins").resolve(".staging"));
        createPrivate(real.resolve("data"));
        Files.createDirectories(real.resolve("data").resolve("overflow"));
        Files.createDirectories(real.resolve("data").resolve("workspace"));
        Files.createDirectories(real.resolve("data").resolve("plugins"));
        createPrivate(real.resolve("logs"));
        Files.createDirectories(real.resolve("logs").resolve("plugins"));
        Path tmp = real.resolve("data").resolve("tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        return real;
    }

    private static void createPrivate(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (FileAlreadyExistsException e) {
                throw new IOException("not a directory: " + dir, e);
            }
            try {
                Files.setPosixFilePermissions(dir, OWNER_ONLY);
            } catch (UnsupportedOperationException e) {
                // non-POSIX file system: nothing to tighten
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
