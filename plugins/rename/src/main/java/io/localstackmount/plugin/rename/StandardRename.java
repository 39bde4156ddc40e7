package io.localstackmount.plugin.rename;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FolderState;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Namespace;
import io.localstackmount.api.Node;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.RenameOps;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rename(2) over S3, which has no rename: a server-side copy of every object, then the deletes of
 * the sources. No data passes through this process.
 *
 * <ul>
 *   <li>A file (or symlink) is one server-side copy, keeping its metadata (CopyObject; over 5 GiB
 *       the store copies in parts), then one delete. A file open
 *       with unsaved data is not uploaded here: its handles move to the new name, and its next flush
 *       uploads there.</li>
 *   <li>A folder is every key below its prefix, markers included ({@link FolderWalk}), copied with
 *       at most {@code parallelism} requests in flight ({@link Parallel}); the sources are deleted
 *       only once every copy succeeded. A failure half-way leaves every object under its old or its
 *       new name, never neither: a failed copy deletes no source (and removes the copies made), a
 *       failed delete leaves that object under both names. Both answer EIO and log the keys.</li>
 *   <li>What this cannot do in one call answers EXDEV with a log line, so that {@code mv} copies and
 *       deletes by itself: buckets (either side), folders over {@code max-keys} or {@code max-bytes}.</li>
 * </ul>
 *
 * Open handles follow a rename only once it succeeded. The namespace is told of every change, and
 * the folder a file or folder left is kept ({@link Namespace#keepFolder}) as a local disk keeps it.
 */
final class StandardRename implements RenameOps {
    private static final Logger LOG = LoggerFactory.getLogger(StandardRename.class);

    private final FsContext ctx;
    private final RenameSettings settings;

    StandardRename(FsContext ctx, RenameSettings settings) {
        this.ctx = ctx;
        this.settings = settings;
    }

    @Override
    public void rename(FsPath from, FsPath to) {
        Namespace ns = ctx.namespace();
        Node source = ns.lookup(from);
        if (from.equals(to)) {
            return;
        }
        if (!from.isObject() || !to.isObject()) {
            throw exdev(from, to, from.isObject() ? to + " would be a bucket, and a bucket is made by mkdir, not rename"
                    : "buckets cannot be renamed");
        }
        if (source.isDirectory() && from.contains(to)) {
            throw new FsException(Errno.EINVAL, "cannot move the folder " + from + " into itself (" + to + ")");
        }
        to.requireValidLength();
        Optional<Node> target = ns.find(to);
        boolean targetMarker = false;
        if (target.isPresent()) {
            Node existing = target.get();
            if (source.isDirectory() && !existing.isDirectory()) {
                throw new FsException(Errno.ENOTDIR, "cannot replace the file " + to + " with the folder " + from);
            }
            if (!source.isDirectory() && existing.isDirectory()) {
                throw new FsException(Errno.EISDIR, "cannot replace the folder " + to + " with the file " + from);
            }
            if (existing.isDirectory()) {
                FolderState state = ns.folderState(to);
                if (!state.empty()) {
                    throw new FsException(Errno.ENOTEMPTY, "cannot replace " + to + " with " + from + ": " + to + " is not empty");
                }
                targetMarker = state.hasMarker();
            }
        }
        if (source.isDirectory()) {
            renameFolder(from, to, targetMarker);
        } else {
            renameFile(from, to, source);
        }
    }

    private void renameFile(FsPath from, FsPath to, Node source) {
        Namespace ns = ctx.namespace();
        Optional<Node> unsaved = unsavedAt(from);
        // Unsaved data has either no object yet (nothing to copy) or a stale one. The stale one is still
        // moved server-side: left behind, the old name would come back; deleted, the last saved content
        // would be lost if the upload under the new name then fails.
        boolean stored = unsaved.map(n -> n.etag() != null).orElse(true);
        ObjectInfo copy = null;
        if (stored) {
            // Handles open on the target keep the content they opened, which the copy is about to replace.
            ctx.openFiles().openAt(to).forEach(OpenFile::markUnlinked);
            copy = copyFile(from, to);
            try {
                ctx.store().delete(from.bucket(), from.key());
            } catch (FsException e) {
                ns.created(to, movedNode(to, source, unsaved, copy));
                ns.invalidate(from);
                String why = "copied to " + s3(to.bucket(), to.key()) + " but could not delete " + s3(from.bucket(), from.key())
                        + ", so the object now exists under both names: " + e.getMessage();
                LOG.error("rename {} -> {}: {}", from, to, why);
                throw new FsException(Errno.EIO, why, e);
            }
        }
        // Handles still open on the replaced target must not store their data over the moved file.
        ctx.openFiles().openAt(to).forEach(OpenFile::markUnlinked);
        ctx.openFiles().moved(from, to);
        ns.removed(from);
        ns.created(to, movedNode(to, source, unsaved, copy));
        ns.keepFolder(from.parent());
    }

    private ObjectInfo copyFile(FsPath from, FsPath to) {
        try {
            return ctx.store().copy(from.bucket(), from.key(), to.bucket(), to.key(), null);
        } catch (FsException e) {
            if (e.errno() == Errno.ENOENT) {
                ctx.namespace().invalidate(from);
            }
            throw e;
        }
    }

    /** The renamed file's node: the unsaved one of an open handle, else the old node with the copy's ETag. */
    private Node movedNode(FsPath to, Node source, Optional<Node> unsaved, ObjectInfo copy) {
        if (unsaved.isPresent()) {
            return unsaved.get().withName(to.name());
        }
        if (copy.size() != source.size()) {
            // Changed behind our back since it was cached: what was copied is the truth.
            return ctx.namespace().nodeOf(to, copy);
        }
        return source.withName(to.name()).withEtag(copy.etag());
    }

    /** A copy of one object from its old key to its new one. */
    private record Move(String from, String to) {
    }

    private void renameFolder(FsPath from, FsPath to, boolean targetMarker) {
        Namespace ns = ctx.namespace();
        ObjectStore store = ctx.store();
        String fromPrefix = from.childPrefix();
        String toPrefix = to.childPrefix();
        FolderWalk.Result walk = FolderWalk.walk(store, ctx.workers(), settings, from.bucket(), fromPrefix);
        if (walk.overLimit() != null) {
            throw exdev(from, to, "the folder is too large to rename in one call: " + walk.overLimit());
        }
        if (walk.objects().isEmpty()) {
            ns.invalidate(from);
            throw new FsException(Errno.ENOENT, "no object is left under " + s3(from.bucket(), fromPrefix)
                    + " (removed by another client?)");
        }
        List<Move> moves = new ArrayList<>(walk.objects().size());
        boolean sourceMarker = false;
        for (ObjectInfo object : walk.objects()) {
            String newKey = toPrefix + object.key().substring(fromPrefix.length());
            if (newKey.getBytes(StandardCharsets.UTF_8).length > FsPath.KEY_MAX) {
                throw new FsException(Errno.ENAMETOOLONG, "moving " + from + " to " + to + " would make the key " + newKey
                        + " longer than " + FsPath.KEY_MAX + " bytes");
            }
            sourceMarker |= object.key().equals(fromPrefix);
            moves.add(new Move(object.key(), newKey));
        }

        List<Move> copied = Collections.synchronizedList(new ArrayList<>());
        List<Parallel.Failure<Move>> copyFailures = Parallel.run(ctx.workers(), settings.parallelism(), moves, m -> {
            store.copy(from.bucket(), m.from(), to.bucket(), m.to(), null);
            copied.add(m);
        }, true);
        if (!copyFailures.isEmpty()) {
            undoCopies(from, to, moves.size(), copyFailures, copied, targetMarker);
            ns.invalidate(to);
            Parallel.Failure<Move> first = copyFailures.get(0);
            throw new FsException(Errno.EIO, "copying " + from + " to " + to + " failed (" + s3(from.bucket(), first.item().from())
                    + ": " + first.error().getMessage() + "); nothing was deleted under the old name", first.error());
        }
        if (targetMarker && !sourceMarker) {
            // The replaced empty folder's marker would give the moved folder its attributes.
            try {
                store.delete(to.bucket(), to.markerKey());
            } catch (FsException e) {
                LOG.warn("rename {} -> {}: could not delete the marker of the replaced folder: {}", from, to, e.getMessage());
            }
        }

        // Objects first, in parallel; then the folder markers, deepest first, one at a time. Stores
        // that keep folders as directories (S3Proxy's filesystem store, the embedded server) remove
        // a directory only when it is empty at the moment its marker goes: deleted in parallel with
        // the files in it, an empty folder could stay behind and show up under the old name.
        List<Move> files = moves.stream().filter(m -> !m.from().endsWith("/")).toList();
        List<Move> markers = moves.stream().filter(m -> m.from().endsWith("/"))
                .sorted(Comparator.comparingInt((Move m) -> m.from().length()).reversed()).toList();
        List<Parallel.Failure<Move>> deleteFailures = new ArrayList<>(Parallel.run(ctx.workers(), settings.parallelism(), files,
                m -> store.delete(from.bucket(), m.from()), false));
        deleteFailures.addAll(Parallel.run(ctx.workers(), 1, markers, m -> store.delete(from.bucket(), m.from()), false));
        ns.invalidate(from);
        ns.invalidate(to);
        if (!deleteFailures.isEmpty()) {
            LOG.error("rename {} -> {}: copied all {} objects, but {} could not be deleted under the old name and now exist"
                    + " under both names:\n{}", from, to, moves.size(), deleteFailures.size(), describe(from.bucket(), deleteFailures));
            throw new FsException(Errno.EIO, "copied " + from + " to " + to + ", but " + deleteFailures.size() + " of "
                    + moves.size() + " objects could not be deleted under the old name (they exist under both names; see the log)",
                    deleteFailures.get(0).error());
        }
        ctx.openFiles().moved(from, to);
        ns.keepFolder(from.parent());
    }

    /** Best effort: removes the copies a failed folder rename made, so that only the old name remains. */
    private void undoCopies(FsPath from, FsPath to, int total, List<Parallel.Failure<Move>> copyFailures, List<Move> copied,
                            boolean targetMarker) {
        // Deleting the copy of the source's marker would remove the (empty) folder the rename was to replace.
        List<Move> undo = copied.stream().filter(m -> !(targetMarker && m.to().equals(to.markerKey()))).collect(Collectors.toList());
        List<Parallel.Failure<Move>> undoFailures = Parallel.run(ctx.workers(), settings.parallelism(), undo,
                m -> ctx.store().delete(to.bucket(), m.to()), false);
        LOG.error("rename {} -> {}: copying failed for {} of {} objects, so nothing was deleted under the old name:\n{}",
                from, to, copyFailures.size(), total, describe(from.bucket(), copyFailures));
        if (undoFailures.isEmpty()) {
            LOG.error("rename {} -> {}: removed the {} copies already made", from, to, undo.size());
        } else {
            LOG.error("rename {} -> {}: removed {} of the {} copies already made; these remain under the new name too:\n{}",
                    from, to, undo.size() - undoFailures.size(), undo.size(), describeTargets(to.bucket(), undoFailures));
        }
    }

    private Optional<Node> unsavedAt(FsPath path) {
        for (OpenFile file : ctx.openFiles().openAt(path)) {
            Optional<Node> node = file.unsavedNode();
            if (node.isPresent()) {
                return node;
            }
        }
        return Optional.empty();
    }

    private static FsException exdev(FsPath from, FsPath to, String why) {
        LOG.info("rename {} -> {}: answering EXDEV, so that mv copies and deletes instead: {}", from, to, why);
        return new FsException(Errno.EXDEV, "cannot rename " + from + " to " + to + " here: " + why);
    }

    private static String describe(String bucket, List<Parallel.Failure<Move>> failures) {
        return failures.stream().map(f -> "  " + s3(bucket, f.item().from()) + ": " + f.error().getMessage())
                .sorted().collect(Collectors.joining("\n"));
    }

    private static String describeTargets(String bucket, List<Parallel.Failure<Move>> failures) {
        return failures.stream().map(f -> "  " + s3(bucket, f.item().to()) + ": " + f.error().getMessage())
                .sorted().collect(Collectors.joining("\n"));
    }

    private static String s3(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
    }
}
