package dev.aman;

import dev.aman.cli.Cli;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * The launcher: runs the command line and is the only place that exits the process. It also turns
 * SIGTERM/SIGINT into a draining shutdown (a second signal during the drain stops at once with exit 1)
 * and SIGHUP into a reload.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = Cli.execute(args, System.getenv(), Path.of(System.getProperty("user.home")), System.out, System.err,
                Main::installSignals);
        System.out.flush();
        System.exit(code);
    }

    private static void installSignals(Daemon daemon, AtomicInteger exitCode) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> {
                if (!stopping.compareAndSet(false, true)) {
                    System.err.println("second SIG" + name + " during shutdown: stopping now");
                    Runtime.getRuntime().halt(1);
                }
                daemon.shutdownFromSignal(name);
            });
        }
        Signal.handle(new Signal("HUP"), sig -> daemon.reload("SIGHUP"));
    }
}
