package io.localstackmount.app;

import io.localstackmount.fuse.FuseMount;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code localstackmount unmount DIR}. A mount of this user that runs (its runtime record says
 * which process) is asked to stop with SIGTERM, as Ctrl-C would: it refuses changes, uploads what is
 * unsaved, unmounts (retrying while busy, then detaching lazily) and exits; this waits for that.
 * A localstackmount mount without a running process (killed: "Transport endpoint is not connected")
 * is detached with {@code fusermount -u -z}. Exit codes: 0 unmounted, 1 not mounted or it failed.
 */
final class UnmountCommand {
    /** Beyond the mount's own busy timeout: flushing, the drain of requests in flight, the JVM's exit. */
    private static final Duration EXTRA_PATIENCE = Duration.ofSeconds(60);
    private static final String OUR_TYPE = "fuse.localstackmount";

    private UnmountCommand() {
    }

    static int run(MountRecords records, Path dir, PrintStream out, PrintStream err) throws InterruptedException {
        Optional<MountRecords.Record> record = records.at(dir);
        if (record.isPresent()) {
            long pid = record.get().pid();
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isPresent()) {
                process.get().destroy(); // SIGTERM: the mount's own orderly unmount
                Duration patience = busyTimeout(record.get()).plus(EXTRA_PATIENCE);
                try {
                    process.get().onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    err.println("localstackmount: the mount at " + dir + " (pid " + pid + ") is still running " + patience.toSeconds()
                            + " s after it was asked to unmount; its log may say why (" + logOf(record.get()) + ")");
                    return 1;
                }
            }
            if (!FuseMount.isMounted(dir)) {
                out.println("unmounted " + dir);
                return 0;
            }
        }
        Optional<String> type = FuseMount.mountType(dir);
        if (type.isEmpty()) {
            err.println("localstackmount: " + dir + (Files.isDirectory(dir) ? " is not mounted" : " does not exist")
                    + "; running mounts: localstackmount status");
            return 1;
        }
        if (!type.get().equals(OUR_TYPE)) {
            err.println("localstackmount: " + dir + " is a " + type.get() + " mount, not one of localstackmount; use umount");
            return 1;
        }
        // Ours, but no running process of this user serves it: killed, or another user's.
        String error = FuseMount.unmountOther(dir, false);
        if (error != null && !error.contains("busy")) {
            error = FuseMount.unmountOther(dir, true);
        }
        if (error != null) {
            err.println("localstackmount: cannot unmount " + dir + ": " + error
                    + (error.contains("busy") ? " (a shell or program still uses it; cd out of it, or: fusermount -u -z " + dir + ")" : ""));
            return 1;
        }
        out.println("unmounted " + dir + " (no running mount served it; it was left by a process that ended)");
        return 0;
    }

    private static Duration busyTimeout(MountRecords.Record record) {
        try {
            return Duration.ofMillis(Long.parseLong(record.get("busy-timeout-ms")));
        } catch (RuntimeException e) {
            return Duration.ofSeconds(10);
        }
    }

    private static String logOf(MountRecords.Record record) {
        String log = record.get("log-file");
        return log != null ? log : "printed where it was started";
    }
}
