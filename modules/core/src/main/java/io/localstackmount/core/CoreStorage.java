package io.localstackmount.core;

import io.localstackmount.api.ContentTypes;
import io.localstackmount.api.Errno;
import io.localstackmount.api.FolderState;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.MultipartUpload;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.Parallel;
import io.localstackmount.api.PosixMetadata;
import io.localstackmount.api.Storage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core's side of every change a handler makes ({@link Storage}): the request to S3, then, in the
 * same call, what the mount keeps about it: the namespace ({@link CachedNamespace}), metadata by
 * version, and the open-file table ({@link HandleTable}). Each operation reads top to bottom as
 * "ask S3, then record what it answered"; nothing here decides the rules of a FUSE operation
 * (permissions, EEXIST, limits), which stay with the handlers.
 *
 * <p>Two invariants every method keeps: a name shows either what S3 holds or what an open file
 * will store there on close, never something S3 refused; and a rename leaves each object under its
 * old name, its new name or both, never neither.
 */
final class CoreStorage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(CoreStorage.class);
    static final String FOLDER_CONTENT_TYPE = "application/x-directory";

    private final ObjectStore store;
    private final ObservedSource reads;
    private final CachedNamespace namespace;
    private final HandleTable handles;
    private final StagingArea staging;
    private final Clock clock;
    private final ExecutorService workers;

    CoreStorage(ObjectStore store, ObservedSource reads, CachedNamespace namespace, HandleTable handles, StagingArea staging,
                Clock clock, ExecutorService workers) {
        this.store = store;
        this.reads = reads;
        this.namespace = namespace;
        this.handles = handles;
        this.staging = staging;
        this.clock = clock;
        this.workers = workers;
    }

    @Override
    public Node createBucket(FsPath bucket) {
        store.createBucket(bucket.bucket());
        Node node = namespace.folderNode(bucket, clock.instant());
        namespace.created(bucket, node);
        return node;
    }

    @Override
    public void deleteBucket(FsPath bucket) {
        if (!namespace.folderState(bucket).empty()) {
            throw new FsException(Errno.ENOTEMPTY, bucket + " is not empty");
        }
        store.deleteBucket(bucket.bucket());
        namespace.removed(bucket);
    }

    @Override
    public Node makeFolder(FsPath folder, Map<String, String> metadata, String contentType) {
        Node node = putFolderMarker(folder, metadata, contentType);
        namespace.madeEmpty(folder);
        return node;
    }

    @Override
    public Node putFolderMarker(FsPath folder, Map<String, String> metadata, String contentType) {
        ObjectInfo marker = store.put(folder.bucket(), folder.markerKey(), new byte[0], metadata, contentType);
        return namespace.storedMarker(folder, marker, metadata);
    }

    @Override
    public void removeFolder(FsPath folder) {
        FolderState state = namespace.folderState(folder);
        if (!state.empty()) {
            throw new FsException(Errno.ENOTEMPTY, folder + " is not empty");
        }
        if (state.hasMarker()) {
            store.delete(folder.bucket(), folder.markerKey());
            namespace.markerDeleted(folder);
        }
        namespace.removed(folder);
        namespace.keepFolder(folder.parent());
    }

    @Override
    public Node put(FsPath path, byte[] body, Map<String, String> metadata, String contentType) {
        ObjectInfo written = store.put(path.bucket(), path.key(), body, metadata, contentType);
        return namespace.stored(path, written.withSize(body.length), metadata);
    }

    @Override
    public Node upload(FsPath path, Path source, Map<String, String> metadata, String contentType) {
        ObjectInfo written = store.upload(path.bucket(), path.key(), source, metadata, contentType);
        return namespace.stored(path, written, metadata);
    }

    @Override
    public MultipartUpload startUpload(FsPath path, Map<String, String> metadata, String contentType) {
        String id = store.startMultipart(path.bucket(), path.key(), metadata, contentType);
        LOG.debug("multipart upload {} of {} started", id, path);
        return new Upload(path, id, metadata, staging.uploadStarted(path, id));
    }

    @Override
    public Node replaceMetadata(FsPath path, Map<String, String> metadata) {
        Node node = namespace.lookup(path);
        if (!node.isDirectory()) {
            ObjectInfo copy = store.copy(path.bucket(), path.key(), path.bucket(), path.key(), metadata);
            return namespace.stored(path, copy, metadata);
        }
        Optional<ObjectInfo> marker = reads.head(path.bucket(), path.markerKey());
        if (marker.isEmpty()) {
            Optional<ObjectInfo> plain = reads.head(path.bucket(), path.key());
            if (plain.isPresent() && PosixMetadata.type(plain.get().metadata(), NodeType.FILE) == NodeType.DIRECTORY) {
                // s3fs also writes a folder as an object without the slash whose mode says S_IFDIR.
                ObjectInfo copy = store.copy(path.bucket(), path.key(), path.bucket(), path.key(), metadata);
                return namespace.stored(path, copy, metadata);
            }
            return putFolderMarker(path, metadata, FOLDER_CONTENT_TYPE);
        }
        ObjectInfo copy = store.copy(path.bucket(), path.markerKey(), path.bucket(), path.markerKey(), metadata);
        return namespace.storedMarker(path, copy, metadata);
    }

    @Override
    public Node changeAttributes(FsPath path, UnaryOperator<Node> change) {
        Node current = namespace.lookup(path);
        Node wanted = change.apply(current);
        // A node from a listing whose metadata was never seen shows the defaults, not what S3 stores:
        // "no change" to it may well be a change to the object (chmod 644 of an s3fs file stored 0755).
        if (wanted.equals(current) && namespace.attributesKnown(path, current)) {
            return current;
        }
        for (OpenFile file : handles.openAt(path)) {
            if (file.updateUnsaved(change)) {
                return file.unsavedNode().orElse(wanted);
            }
        }
        if (!path.isObject()) {
            LOG.debug("{} is a bucket or the root: attribute change accepted, not stored", path);
            return wanted;
        }
        Map<String, String> base = Map.of();
        if (!wanted.isDirectory()) {
            ObjectInfo stored = reads.head(path.bucket(), path.key()).orElseThrow(() ->
                    new FsException(Errno.ENOENT, path + " vanished from S3 while changing its attributes"));
            // The node may come from a listing, which carries no metadata: apply the change to what the
            // object really stores, so that chmod keeps an s3fs owner and chown keeps its mode.
            Node storedNode = namespace.nodeOf(path, stored);
            wanted = change.apply(storedNode);
            if (wanted.equals(storedNode)) {
                return storedNode;
            }
            base = stored.metadata();
        } else {
            Optional<ObjectInfo> marker = reads.head(path.bucket(), path.markerKey());
            if (marker.isPresent()) {
                base = marker.get().metadata();
            }
        }
        return replaceMetadata(path, PosixMetadata.of(base, wanted.type(), wanted.mode(), wanted.uid(), wanted.gid(),
                wanted.mtime()));
    }

    @Override
    public void remove(FsPath path) {
        Node node = namespace.lookup(path);
        // Open descriptors keep working, but closing them must not bring the file back.
        handles.openAt(path).forEach(OpenFile::markUnlinked);
        staging.removed(path);
        if (node.etag() != null) {
            store.delete(path.bucket(), path.key());
        }
        namespace.removed(path);
        namespace.keepFolder(path.parent());
    }

    /**
     * libfuse's hiding of a file removed while open ({@link HiddenOpenFiles}): the object goes now,
     * and the descriptors move to the hidden name, which exists only in the open-file table.
     */
    void removeWhileOpen(FsPath path, FsPath hiddenName) {
        remove(path);
        handles.moved(path, hiddenName);
    }

    @Override
    public Node moveFile(FsPath from, FsPath to) {
        Node source = namespace.lookup(from);
        Optional<Node> unsaved = unsavedAt(from);
        // Unsaved data has either no object yet (nothing to copy) or a stale one. The stale one is still
        // moved server-side: left behind, the old name would come back; deleted, the last saved content
        // would be lost if the upload under the new name then fails.
        boolean stored = unsaved.map(n -> n.etag() != null).orElse(true);
        Node moved = unsaved.map(n -> n.withName(to.name())).orElse(null);
        // Descriptors open on the target keep the content they opened, which this replaces.
        handles.openAt(to).forEach(OpenFile::markUnlinked);
        staging.removed(to);
        String copied = null;
        if (stored) {
            ObjectInfo copy;
            try {
                // A type guessed from the old name follows the new one (ContentTypes); a chosen one stays.
                copy = store.copy(from.bucket(), from.key(), to.bucket(), to.key(), null,
                        type -> ContentTypes.afterRename(type, from.name(), to.name()));
            } catch (FsException e) {
                if (e.errno() == Errno.ENOENT) {
                    namespace.invalidate(from);
                }
                throw e;
            }
            copied = copy.etag();
            if (moved == null) {
                // The copy keeps the source's metadata: what was copied is the truth, whatever was cached.
                moved = copy.size() == source.size() ? source.withName(to.name()).withEtag(copy.etag())
                        : namespace.nodeOf(to, copy);
            }
            try {
                store.delete(from.bucket(), from.key());
            } catch (FsException e) {
                namespace.created(to, moved);
                namespace.invalidate(from);
                String why = "copied to " + s3(to.bucket(), to.key()) + " but could not delete " + s3(from.bucket(), from.key())
                        + ", so the object now exists under both names: " + e.getMessage();
                LOG.error("rename {} -> {}: {}", from, to, why);
                throw new FsException(Errno.EIO, why, e);
            }
        }
        handles.moved(from, to);
        String newBase = copied;
        staging.moved(from, to, p -> newBase);
        namespace.removed(from);
        namespace.created(to, moved);
        namespace.keepFolder(from.parent());
        return moved;
    }

    /** A copy of one object from its old key to its new one. */
    private record Move(String from, String to) {
    }

    @Override
    public void moveFolder(FsPath from, FsPath to, List<ObjectInfo> objects, int parallelism) {
        String fromPrefix = from.childPrefix();
        String toPrefix = to.childPrefix();
        boolean targetMarker = namespace.folderState(to).hasMarker();
        List<Move> moves = new ArrayList<>(objects.size());
        boolean sourceMarker = false;
        for (ObjectInfo object : objects) {
            String newKey = toPrefix + object.key().substring(fromPrefix.length());
            if (newKey.getBytes(StandardCharsets.UTF_8).length > FsPath.KEY_MAX) {
                throw new FsException(Errno.ENAMETOOLONG, "moving " + from + " to " + to + " would make the key " + newKey
                        + " longer than " + FsPath.KEY_MAX + " bytes");
            }
            sourceMarker |= object.key().equals(fromPrefix);
            moves.add(new Move(object.key(), newKey));
        }

        List<Move> copied = Collections.synchronizedList(new ArrayList<>());
        Map<String, String> copyEtags = new ConcurrentHashMap<>();
        List<Parallel.Failure<Move>> copyFailures = Parallel.run(workers, parallelism, moves, m -> {
            ObjectInfo copy = store.copy(from.bucket(), m.from(), to.bucket(), m.to(), null);
            copyEtags.put(m.to(), copy.etag());
            copied.add(m);
            // A marker's record is not checked by version: the replaced folder's would answer for this one.
            namespace.copied(to.bucket(), copy);
        }, true);
        if (!copyFailures.isEmpty()) {
            undoCopies(from, to, moves.size(), parallelism, copyFailures, copied, targetMarker);
            namespace.invalidate(to);
            Parallel.Failure<Move> first = copyFailures.get(0);
            throw new FsException(Errno.EIO, "copying " + from + " to " + to + " failed (" + s3(from.bucket(), first.item().from())
                    + ": " + first.error().getMessage() + "); nothing was deleted under the old name", first.error());
        }
        if (targetMarker && !sourceMarker) {
            // The replaced empty folder's marker would give the moved folder its attributes.
            try {
                store.delete(to.bucket(), to.markerKey());
                namespace.markerDeleted(to);
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
        List<Parallel.Failure<Move>> deleteFailures = new ArrayList<>(Parallel.run(workers, parallelism, files,
                m -> store.delete(from.bucket(), m.from()), false));
        deleteFailures.addAll(Parallel.run(workers, 1, markers, m -> {
            store.delete(from.bucket(), m.from());
            namespace.markerDeleted(folderOfMarker(from.bucket(), m.from()));
        }, false));
        namespace.invalidate(from);
        namespace.invalidate(to);
        if (!deleteFailures.isEmpty()) {
            LOG.error("rename {} -> {}: copied all {} objects, but {} could not be deleted under the old name and now exist"
                    + " under both names:\n{}", from, to, moves.size(), deleteFailures.size(), describe(from.bucket(), deleteFailures));
            throw new FsException(Errno.EIO, "copied " + from + " to " + to + ", but " + deleteFailures.size() + " of "
                    + moves.size() + " objects could not be deleted under the old name (they exist under both names; see the log)",
                    deleteFailures.get(0).error());
        }
        handles.moved(from, to);
        staging.moved(from, to, p -> copyEtags.get(p.key()));
        namespace.keepFolder(from.parent());
    }

    /** Best effort: removes the copies a failed folder rename made, so that only the old name remains. */
    private void undoCopies(FsPath from, FsPath to, int total, int parallelism, List<Parallel.Failure<Move>> copyFailures,
                            List<Move> copied, boolean targetMarker) {
        // Deleting the copy of the source's marker would remove the (empty) folder the rename was to replace.
        List<Move> undo = copied.stream().filter(m -> !(targetMarker && m.to().equals(to.markerKey()))).collect(Collectors.toList());
        List<Parallel.Failure<Move>> undoFailures = Parallel.run(workers, parallelism, undo, m -> {
            store.delete(to.bucket(), m.to());
            if (m.to().endsWith("/")) {
                namespace.markerDeleted(folderOfMarker(to.bucket(), m.to()));
            }
        }, false);
        LOG.error("rename {} -> {}: copying failed for {} of {} objects, so nothing was deleted under the old name:\n{}",
                from, to, copyFailures.size(), total, describe(from.bucket(), copyFailures));
        if (undoFailures.isEmpty()) {
            LOG.error("rename {} -> {}: removed the {} copies already made", from, to, undo.size());
        } else {
            LOG.error("rename {} -> {}: removed {} of the {} copies already made; these remain under the new name too:\n{}",
                    from, to, undo.size() - undoFailures.size(), undo.size(), describeTargets(to.bucket(), undoFailures));
        }
    }

    /** The folder whose marker is {@code markerKey} ({@code dir/} is the marker of {@code dir}). */
    private static FsPath folderOfMarker(String bucket, String markerKey) {
        return FsPath.of(bucket, markerKey.substring(0, markerKey.length() - 1));
    }

    private Optional<Node> unsavedAt(FsPath path) {
        for (OpenFile file : handles.openAt(path)) {
            Optional<Node> node = file.unsavedNode();
            if (node.isPresent()) {
                return node;
            }
        }
        return Optional.empty();
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

    /** A multipart upload that records its object in the namespace when it completes. */
    private final class Upload implements MultipartUpload {
        private final FsPath path;
        private final String id;
        private final Map<String, String> metadata;
        /** Its record in the staging folder, so that the next start aborts it if this process dies first; may be null. */
        private final Path record;

        Upload(FsPath path, String id, Map<String, String> metadata, Path record) {
            this.path = path;
            this.id = id;
            this.metadata = metadata;
            this.record = record;
        }

        @Override
        public String uploadPart(int partNumber, Path source, long offset, long length) {
            return store.uploadPart(path.bucket(), path.key(), id, partNumber, source, offset, length);
        }

        @Override
        public String copyPart(int partNumber, FsPath source, String sourceEtag, long offset, long length) {
            return store.uploadPartCopy(path.bucket(), path.key(), id, partNumber, source.bucket(), source.key(), sourceEtag,
                    offset, length);
        }

        @Override
        public Node complete(List<String> partEtags, long size) {
            ObjectInfo done = store.completeMultipart(path.bucket(), path.key(), id, partEtags);
            staging.uploadEnded(record);
            return namespace.stored(path, done.withSize(size), metadata);
        }

        @Override
        public void abort() {
            store.abortMultipart(path.bucket(), path.key(), id);
            staging.uploadEnded(record);
        }
    }
}
