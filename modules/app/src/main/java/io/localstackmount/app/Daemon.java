package io.localstackmount.app;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code --daemon}, and the mount(8) form: this process starts the same command again in the
 * foreground as a child in a session of its own (setsid: no terminal, so closing the shell or
 * Ctrl-C there does not reach it), with its output appended to the log file, and returns once
 * the child says its mount answers (exit 0) or the child exits (its exit code, after printing what
 * it logged since it started). The child says so by writing its pid to a file this process names in
 * {@value #READY_VARIABLE}; Java cannot fork, and the record the child writes anyway is the signal.
 */
final class Daemon {
    /** The variable that tells a child it runs as a daemon, and where to say it is ready. */
    static final String READY_VARIABLE = "LOCALSTACKMOUNT_DAEMON_READY";
    /** Mounting waits up to 20 s for the kernel and the endpoint check up to a few seconds: a generous bound. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private Daemon() {
    }

    /** In the child: the mount answers; tells the waiting parent. */
    static void ready(Map<String, String> env) {
        String file = env.get(READY_VARIABLE);
        if (file == null || file.isBlank()) {
            return;
        }
        try {
            Path ready = Path.of(file);
            Path temp = ready.resolveSibling(ready.getFileName() + ".tmp");
            Files.writeString(temp, Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
            Files.move(temp, ready, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            System.err.println("localstackmount: cannot tell the starting command that the mount is ready: " + e);
        }
    }

    /** True in the child of a daemon start. */
    static boolean isChild(Map<String, String> env) {
        String file = env.get(READY_VARIABLE);
        return file != null && !file.isBlank();
    }

    /**
     * In the parent: starts the child and waits for it. {@code args} are this command's own arguments,
     * {@code logFile} where the child's output goes, {@code records} where the ready file is made.
     */
    static int start(String[] args, Path logFile, Path mountPoint, MountRecords records, PrintStream out, PrintStream err)
            throws InterruptedException {
        Path ready;
        try {
            PathTrust.privateFolder("records folder", records.folder());
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ready = records.folder().resolve("starting-" + UUID.randomUUID() + ".ready");
        } catch (IOException | ConfigException e) {
            err.println("localstackmount: cannot start in the background: " + e.getMessage());
            return 1;
        }
        List<String> command = childCommand(args);
        if (command == null) {
            err.println("localstackmount: cannot start in the background: this Java runtime does not say how it was started;"
                    + " run in the foreground (without --daemon) and put it in the background with your shell or a service manager");
            return 1;
        }
        long offset;
        Process child;
        try {
            offset = Files.exists(logFile) ? Files.size(logFile) : 0;
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectErrorStream(true);
            pb.environment().put(READY_VARIABLE, ready.toString());
            child = pb.start();
        } catch (IOException e) {
            err.println("localstackmount: cannot start in the background: " + e.getMessage());
            return 1;
        }
        try {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (true) {
                if (Files.exists(ready)) {
                    out.println("localstackmount: mounted at " + mountPoint + " (pid " + readPid(ready).orElse(child.pid()) + ", log "
                            + logFile + "); unmount with: localstackmount unmount " + mountPoint);
                    return 0;
                }
                if (!child.isAlive()) {
                    err.print(logSince(logFile, offset));
                    int code = child.exitValue();
                    err.println("localstackmount: the mount did not start (exit code " + code + "; log " + logFile + ")");
                    return code == 0 ? 1 : code;
                }
                if (System.nanoTime() > deadline) {
                    child.destroy();
                    err.print(logSince(logFile, offset));
                    err.println("localstackmount: the mount did not answer within " + PATIENCE.toSeconds() + " s; stopped it (log "
                            + logFile + ")");
                    return 4;
                }
                Thread.sleep(25);
            }
        } finally {
            try {
                Files.deleteIfExists(ready);
            } catch (IOException e) {
                // a stray ready file in the private records folder is harmless
            }
        }
    }

    /**
     * The JVM's own command line, with {@code --foreground} for the reader of a process list (the child
     * stays in the foreground anyway: {@link #isChild}); under {@code setsid} when there is one, for a
     * session of its own.
     */
    private static List<String> childCommand(String[] args) {
        Optional<String> java = ProcessHandle.current().info().command();
        // /proc/self/cmdline itself: ProcessHandle.Info gives no arguments for a long command line (a test's class path).
        String[] cmdline;
        try {
            String text = new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8);
            cmdline = text.split("\0");
        } catch (IOException e) {
            return null;
        }
        if (java.isEmpty() || cmdline.length < args.length + 1) {
            return null;
        }
        String[] full = Arrays.copyOfRange(cmdline, 1, cmdline.length);
        List<String> command = new ArrayList<>();
        for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(setsid))) {
                command.add(setsid);
                break;
            }
        }
        command.add(java.get());
        // The JVM's options and main class come first; the program's arguments are the last args.length.
        command.addAll(List.of(full).subList(0, full.length - args.length));
        command.add("--foreground");
        command.addAll(List.of(args));
        return command;
    }

    private static Optional<Long> readPid(Path ready) {
        try {
            return Optional.of(Long.parseLong(Files.readString(ready).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** What the child appended to its log since it started: its reason for failing. */
    private static String logSince(Path log, long offset) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            if (length <= offset) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 64 * 1024)];
            f.seek(length - bytes.length);
            f.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            return text.endsWith("\n") ? text : text + "\n";
        } catch (IOException e) {
            return "";
        }
    }
}
