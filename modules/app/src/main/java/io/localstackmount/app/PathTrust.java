package io.localstackmount.app;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a path that decides what this program does, or holds what it stores, can have been
 * written by someone else. A path is trusted when it (and a symbolic link to it) is owned by the
 * user running this program, or by root where that is allowed, and nobody else can write it:
 * <pre>
 *   owner         you (or root, for files you read: config files, plugin jars and their folders)
 *   others        no write bit
 *   group         no write bit, unless the group is the owner's own (same name: the "user private
 *                 group" that Debian and Ubuntu give every user, where umask 002 is common)
 * </pre>
 * Who decides what to do with a distrusted path: {@link ConfigSources} ignores a project file,
 * {@link PluginLayer} skips a plugin jar, {@link #privateFolder} refuses a folder the mount keeps
 * files in.
 */
final class PathTrust {
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private PathTrust() {
    }

    /** Why {@code path} is not trusted, e.g. {@code "is writable by everyone (mode 0666)"}; empty when it is. */
    static Optional<String> distrust(Path path, boolean rootMayOwn) {
        int me = UserIds.uid();
        try {
            int linkOwner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (Files.isSymbolicLink(path) && !owns(linkOwner, me, rootMayOwn)) {
                return Optional.of("is a symbolic link owned by uid " + linkOwner + ", not by you (uid " + me + ")"
                        + (rootMayOwn ? " or root" : ""));
            }
            int owner = (Integer) Files.getAttribute(path, "unix:uid");
            if (!owns(owner, me, rootMayOwn)) {
                return Optional.of("is owned by uid " + owner + ", not by you (uid " + me + ")" + (rootMayOwn ? " or root" : ""));
            }
            PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
            Set<PosixFilePermission> p = a.permissions();
            if (p.contains(PosixFilePermission.OTHERS_WRITE)) {
                return Optional.of("is writable by everyone (mode " + mode(p) + ")");
            }
            if (p.contains(PosixFilePermission.GROUP_WRITE) && !a.group().getName().equals(a.owner().getName())) {
                return Optional.of("is writable by group " + a.group().getName() + " (mode " + mode(p) + ")");
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException | ClassCastException e) {
            return Optional.of("cannot be checked (" + e + ")");
        }
    }

    private static boolean owns(int owner, int me, boolean rootMayOwn) {
        return owner == me || rootMayOwn && owner == 0;
    }

    /**
     * A folder the mount keeps its own files in (staging, cache, the embedded server's data, state):
     * created with mode 0700 when missing; an existing one must be a folder you own that nobody else
     * can write. {@code key} names the setting in the message, e.g. {@code mount.staging-dir}.
     *
     * @throws ConfigException saying what is wrong and what to do
     */
    static Path privateFolder(String key, Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Path parent = dir.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile, by us or someone else: checked below like any existing folder
            } catch (IOException e) {
                throw new ConfigException(key + " " + dir + ": cannot create the folder: " + e.getMessage(), e);
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(key + " " + dir + ": not a folder; choose another path");
        }
        Optional<String> why = distrust(dir, false);
        if (why.isPresent()) {
            throw new ConfigException(key + " " + dir + ": refused: it " + why.get() + ", so another user could read or"
                    + " replace what the mount keeps there. Remove it (it is recreated, private) or choose another folder.");
        }
        return dir;
    }

    /** {@code 0755}-style. */
    static String mode(Set<PosixFilePermission> permissions) {
        int m = 0;
        for (PosixFilePermission p : permissions) {
            m |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", m);
    }
}
