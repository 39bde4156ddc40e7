package io.localstackmount.app;

import io.localstackmount.fuse.FuseMount;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a folder can be mounted on, checked before anything starts (the embedded server, the S3
 * client), so that each way it cannot is one sentence that says what to do, instead of libfuse's
 * advice or a bare path. {@link FuseMount} then creates a missing folder and mounts.
 */
final class MountPoint {
    private MountPoint() {
    }

    /** The mount cannot start because what it needs is in use by another mount: exit code 4, like a bad mount point. */
    static final class InUse extends RuntimeException {
        InUse(String message) {
            super(message);
        }
    }

    /** Why {@code dir} cannot be mounted on, or empty when it can. */
    static Optional<String> problem(Path dir, boolean nonempty, MountRecords records) {
        Optional<String> type = FuseMount.mountType(dir);
        if (type.isPresent()) {
            Optional<MountRecords.Record> ours = records.at(dir);
            if (ours.isPresent()) {
                return Optional.of(dir + " is already mounted by localstackmount (pid " + ours.get().pid()
                        + ", see: localstackmount status); unmount it first: localstackmount unmount " + dir);
            }
            if (dead(dir)) {
                return Optional.of(dir + " is a dead mount (\"Transport endpoint is not connected\"): the process that served it"
                        + " was killed. Detach it first: localstackmount unmount " + dir + " (or fusermount -u " + dir + ")");
            }
            return Optional.of(dir + " is already a mount point (" + type.get() + "); unmount it first ("
                    + (type.get().startsWith("fuse") ? "fusermount -u " : "umount ") + dir + ") or choose another folder");
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
            return Optional.of("the mount point " + dir + " is " + (Files.isSymbolicLink(dir) ? "a symbolic link to something that is not a folder"
                    : Files.isRegularFile(dir) ? "a file" : "not a folder") + "; choose a folder (a missing one is created)");
        }
        if (!nonempty && Files.isDirectory(dir)) {
            List<String> entries = entries(dir, 4);
            if (!entries.isEmpty()) {
                return Optional.of("the mount point " + dir + " is not empty (" + String.join(", ", entries.subList(0, Math.min(3, entries.size())))
                        + (entries.size() > 3 ? ", ..." : "") + "): mounting would hide its files until unmounted. Choose an empty"
                        + " folder, or mount over them anyway with --nonempty (-o nonempty)");
            }
        }
        return Optional.empty();
    }

    /** A mount whose FUSE process is gone answers every stat with ENOTCONN. */
    private static boolean dead(Path dir) {
        try {
            Files.readAttributes(dir, "unix:ino");
            return false;
        } catch (FileSystemException e) {
            return String.valueOf(e.getReason()).contains("not connected");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static List<String> entries(Path dir, int max) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                names.add(p.getFileName().toString());
                if (names.size() >= max) {
                    break;
                }
            }
        } catch (IOException e) {
            // unreadable: libfuse will say so
        }
        return names;
    }
}
