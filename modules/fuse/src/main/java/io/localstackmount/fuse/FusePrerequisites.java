package io.localstackmount.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks what a FUSE mount needs before trying one, so that a missing package is a sentence
 * saying what to install rather than a stack trace from the native binding.
 */
public final class FusePrerequisites {
    static final String INSTALL_HINT = "On Debian/Ubuntu: sudo apt-get install fuse3 libfuse2";
    private static final List<String> LIBRARY_DIRS = List.of(
            "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib");

    private FusePrerequisites() {
    }

    /** Problems that stop a mount, each a sentence a user can act on; empty when all is there. */
    public static List<String> problems(boolean allowOther) {
        List<String> problems = new ArrayList<>();
        Path dev = Path.of("/dev/fuse");
        if (!Files.exists(dev)) {
            problems.add("/dev/fuse does not exist: the fuse kernel module is not loaded (try: sudo modprobe fuse), "
                    + "or this container was started without --device /dev/fuse --cap-add SYS_ADMIN");
        } else if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
            problems.add("/dev/fuse is not readable and writable by this user");
        }
        if (libfuse2().isEmpty()) {
            problems.add("libfuse.so.2 was not found. " + INSTALL_HINT);
        }
        if (fusermount().isEmpty()) {
            problems.add("fusermount was not found on PATH. " + INSTALL_HINT);
        }
        if (allowOther && !isRoot() && !userAllowOther()) {
            problems.add("--allow-other needs 'user_allow_other' in /etc/fuse.conf when not run as root "
                    + "(add that line as root, or drop --allow-other)");
        }
        return problems;
    }

    static Optional<Path> libfuse2() {
        return LIBRARY_DIRS.stream().map(d -> Path.of(d, "libfuse.so.2")).filter(Files::exists).findFirst();
    }

    /** {@code fusermount}, or {@code fusermount3} (fuse3 may ship only that), from PATH. */
    static Optional<Path> fusermount() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String name : List.of("fusermount", "fusermount3")) {
            for (String dir : path.split(":")) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean userAllowOther() {
        try {
            return Files.readAllLines(Path.of("/etc/fuse.conf")).stream()
                    .map(String::trim).anyMatch(l -> l.equals("user_allow_other"));
        } catch (IOException e) {
            return false;
        }
    }
}
