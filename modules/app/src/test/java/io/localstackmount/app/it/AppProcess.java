package io.localstackmount.app.it;

import io.localstackmount.fuse.FuseMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real command ({@code io.localstackmount.app.Main}) in a child JVM on the test class path, run
 * in a given working folder with a clean environment: no AWS or LOCALSTACKMOUNT variables from the
 * machine, and XDG folders inside the test's temp folder, so only the test's config files count.
 * {@link #close()} stops it with SIGTERM and makes sure nothing stays mounted.
 */
final class AppProcess implements AutoCloseable {
    private static final Duration MOUNT_PATIENCE = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final Path mountPoint;

    private AppProcess(Process process, Path log, Path mountPoint) {
        this.process = process;
        this.log = log;
        this.mountPoint = mountPoint;
    }

    /** The environment a child gets: the machine's minus AWS_* and LOCALSTACKMOUNT_*, XDG folders under {@code home}. */
    static Map<String, String> cleanEnvironment(Map<String, String> env, Path home) {
        env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("LOCALSTACKMOUNT_") || k.startsWith("LOCALSTACK_")
                || k.equals("XDG_RUNTIME_DIR"));
        env.put("HOME", home.toString());
        // Runtime records (status, unmount) and daemon logs of this test only.
        env.put("XDG_STATE_HOME", home.resolve(".local/state").toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
        return env;
    }

    /** The command that starts the app on the test class path, before its arguments. */
    static List<String> javaCommand(Path home) {
        return List.of(ProcessHandle.current().info().command().orElse("java"), "-Duser.home=" + home, "-cp",
                System.getProperty("java.class.path"), "io.localstackmount.app.Main");
    }

    private static ProcessBuilder builder(Path cwd, Path home, Path log, List<String> args) {
        List<String> command = new ArrayList<>(javaCommand(home));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        cleanEnvironment(pb.environment(), home);
        return pb;
    }

    /** Runs a command that exits by itself (plugins, --print-config); returns exit code and output. */
    static MountFixture.Result run(Path cwd, Path home, String... args) {
        try {
            Path log = Files.createTempFile("lsm-run-", ".log");
            Process p = builder(cwd, home, log, List.of(args)).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("still running after 60 s: " + List.of(args) + "\n" + Files.readString(log));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            return new MountFixture.Result(p.exitValue(), out, List.of(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts a mount at {@code mountPoint} and returns once it is mounted (or fails with the child's output). */
    static AppProcess mount(Path cwd, Path home, Path mountPoint, String... args) {
        try {
            Path log = Files.createTempFile(home, "lsm-mount-", ".log");
            List<String> all = new ArrayList<>(List.of(args));
            all.add(mountPoint.toString());
            AppProcess app = new AppProcess(builder(cwd, home, log, all).start(), log, mountPoint);
            long deadline = System.nanoTime() + MOUNT_PATIENCE.toNanos();
            while (!FuseMount.isMounted(mountPoint)) {
                if (!app.process.isAlive()) {
                    throw new AssertionError("the command exited " + app.process.exitValue() + " before mounting:\n" + app.output());
                }
                if (System.nanoTime() > deadline) {
                    app.close();
                    throw new AssertionError("no mount within " + MOUNT_PATIENCE.toSeconds() + " s:\n" + app.output());
                }
                Thread.sleep(50);
            }
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends SIGTERM, as a service manager or {@code kill} does. */
    void terminate() {
        process.destroy();
    }

    /**
     * SIGKILL, as {@code kill -9} or the OOM killer does: nothing runs in the command any more. The
     * mount it leaves answers "Transport endpoint is not connected" until detached, which this does.
     */
    void kill() throws InterruptedException, IOException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        new ProcessBuilder("fusermount", "-u", "-z", mountPoint.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }

    /** Waits up to {@code patience} for the command to exit; its exit code, or empty while it still runs. */
    java.util.OptionalInt awaitExit(Duration patience) throws InterruptedException {
        return process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)
                ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** SIGTERM, wait for a clean exit; a mount left behind is detached and fails the test. */
    @Override
    public void close() {
        try {
            process.destroy();
            boolean exited = process.waitFor(30, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            if (FuseMount.isMounted(mountPoint)) {
                new ProcessBuilder("fusermount", "-u", "-z", mountPoint.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(mountPoint + " was left mounted; detached it with fusermount -u -z\n" + output());
            }
            if (!exited) {
                throw new AssertionError("still running 30 s after SIGTERM:\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
