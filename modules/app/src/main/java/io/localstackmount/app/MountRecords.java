package io.localstackmount.app;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The runtime records of running mounts: one small properties file per mount, {@code <pid>.mount},
 * in a private folder of the user ({@code $XDG_RUNTIME_DIR/localstackmount}, else
 * {@code $XDG_STATE_HOME/localstackmount/mounts}), written when the mount answers, rewritten by
 * {@link StatusReporter} while counts change, and removed at unmount. {@code status} and
 * {@code unmount} read them; a record whose process is gone (the mount was killed) is stale and
 * removed by whoever finds it. The record is the only channel between a mount and these commands:
 * no socket, no port.
 */
final class MountRecords {
    static final String SUFFIX = ".mount";

    /**
     * One record.
     *
     * @param file   where it is
     * @param values its keys: pid, mount-point, endpoint, started, log-file, embedded-data, and the live counts
     */
    record Record(Path file, Properties values) {
        long pid() {
            try {
                return Long.parseLong(values.getProperty("pid", "-1"));
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        Path mountPoint() {
            return Path.of(values.getProperty("mount-point", "/nonexistent"));
        }

        String get(String key) {
            return values.getProperty(key);
        }

        /** The process that wrote it still runs: same pid and the start time it recorded (a reused pid is another process). */
        boolean alive() {
            return ProcessHandle.of(pid()).filter(ProcessHandle::isAlive).map(p -> {
                String started = values.getProperty("started");
                java.util.Optional<java.time.Instant> actual = p.info().startInstant();
                if (started == null || actual.isEmpty()) {
                    return true;
                }
                try {
                    return Math.abs(java.time.Duration.between(java.time.Instant.parse(started), actual.get()).toMillis()) < 2000;
                } catch (java.time.format.DateTimeParseException e) {
                    return true;
                }
            }).orElse(false);
        }
    }

    private final Path folder;

    MountRecords(Path folder) {
        this.folder = folder;
    }

    /** The records folder for {@code env} and {@code home}. */
    static MountRecords of(Map<String, String> env, Path home) {
        return new MountRecords(folder(env, home));
    }

    static Path folder(Map<String, String> env, Path home) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Path.of(runtime).isAbsolute() && Files.isDirectory(Path.of(runtime))) {
            // Cleared at logout and reboot, as a record of a running process should be.
            return Path.of(runtime, "localstackmount");
        }
        String state = env.get("XDG_STATE_HOME");
        Path base = state != null && !state.isBlank() && Path.of(state).isAbsolute() ? Path.of(state) : home.resolve(".local/state");
        return base.resolve("localstackmount").resolve("mounts");
    }

    Path folder() {
        return folder;
    }

    /** Writes (or replaces, atomically) the record of process {@code pid}. */
    Path write(long pid, Map<String, String> values) throws IOException {
        PathTrust.privateFolder("records folder", folder);
        Properties p = new Properties();
        values.forEach((k, v) -> {
            if (v != null) {
                p.setProperty(k, v);
            }
        });
        StringWriter text = new StringWriter();
        p.store(text, "localstackmount: a running mount (localstackmount status)");
        Path target = folder.resolve(pid + SUFFIX);
        Path temp = folder.resolve(pid + SUFFIX + ".tmp");
        Files.writeString(temp, text.toString(), StandardCharsets.UTF_8);
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    void remove(long pid) {
        try {
            Files.deleteIfExists(folder.resolve(pid + SUFFIX));
            Files.deleteIfExists(folder.resolve(pid + SUFFIX + ".tmp"));
        } catch (IOException e) {
            // a record left behind is dropped by the next status as stale
        }
    }

    /** The records of running mounts, by mount point; stale ones are removed on the way. */
    List<Record> running() {
        List<Record> result = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return result;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
                Optional<Record> record = read(file);
                if (record.isEmpty()) {
                    continue;
                }
                if (record.get().alive()) {
                    result.add(record.get());
                } else {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            return result;
        }
        result.sort(Comparator.comparing(r -> r.mountPoint().toString()));
        return result;
    }

    /** The running mount at {@code mountPoint}, if this user has one. */
    Optional<Record> at(Path mountPoint) {
        Path wanted = mountPoint.toAbsolutePath().normalize();
        return running().stream().filter(r -> r.mountPoint().equals(wanted)).findFirst();
    }

    private static Optional<Record> read(Path file) {
        try {
            Properties p = new Properties();
            try (Reader r = new StringReader(Files.readString(file, StandardCharsets.UTF_8))) {
                p.load(r);
            }
            return Optional.of(new Record(file, p));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
