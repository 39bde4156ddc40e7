package io.localstackmount.core;

import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.OpenFiles;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files removed while open. libfuse 2 keeps such a file reachable for its descriptors by renaming it
 * to a hidden name ({@code .fuse_hidden...}) and removing that name after the last close. On S3 the
 * rename would be a copy under a name other tools see. Instead the object is removed at once, the
 * descriptors keep the content they opened locally ({@link OpenFile#markUnlinked}), and the hidden
 * name exists only here, for libfuse's fstat and its final unlink.
 */
final class HiddenOpenFiles {
    private static final String PREFIX = ".fuse_hidden";

    private final OpenFiles openFiles;
    private final CoreStorage storage;
    private final Set<FsPath> hidden = ConcurrentHashMap.newKeySet();

    HiddenOpenFiles(OpenFiles openFiles, CoreStorage storage) {
        this.openFiles = openFiles;
        this.storage = storage;
    }

    /** True when a rename is libfuse hiding an open file rather than a user's rename. */
    boolean isHide(FsPath from, FsPath to) {
        return to.name().startsWith(PREFIX) && !openFiles.openAt(from).isEmpty();
    }

    /** Removes {@code from} and moves its open descriptors to the hidden name. */
    void hide(FsPath from, FsPath to) {
        storage.removeWhileOpen(from, to);
        hidden.add(to);
    }

    /** The attributes of a hidden file while a descriptor is open on it. */
    Optional<Node> attributes(FsPath path) {
        if (!hidden.contains(path)) {
            return Optional.empty();
        }
        return openFiles.openAt(path).stream().findFirst().map(OpenFile::attributes);
    }

    /** libfuse removes the hidden name after the last close: true when {@code path} was one. */
    boolean forget(FsPath path) {
        return hidden.remove(path);
    }
}
