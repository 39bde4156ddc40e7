package io.localstackmount.plugin.files;

import io.localstackmount.api.ContentTypes;
import io.localstackmount.api.Errno;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.LocalDisk;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.PosixMetadata;
import io.localstackmount.api.StagingFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content of one open file, shared by every descriptor open on it (each a {@link FileHandle}),
 * so that what one descriptor writes the others read at once, as on a local disk. Until it is
 * written it reads the stored object through a {@link ObjectReader}.
 * The first change makes its content local: a staging file in the mount's staging folder (never
 * the heap), filled from S3 only when the change does not replace the whole content. {@link #save}
 * uploads a dirty file; a failed upload leaves the stored object untouched and the file dirty, so
 * that the failure reaches close()/fsync() and a later flush can retry.
 *
 * <p>Locking: every method that touches content holds this object's lock; {@link #unsavedNode()}
 * reads volatile fields only, so that stat of a file being uploaded does not wait for the upload.
 */
final class StagedFile {
    private static final Logger LOG = LoggerFactory.getLogger(StagedFile.class);

    private final FsContext ctx;
    private final ObjectReader reader;
    private volatile FsPath path;
    private volatile Node node;
    private volatile boolean dirty;
    /** An object is stored under the path: its content and metadata are the base of changes. */
    private boolean stored;
    private volatile boolean unlinked;
    /** The content's staging file in core's staging area, which records what it is for; null while not local. */
    private StagingFile staged;
    private Path stagingFile;
    private FileChannel channel;
    /** True while the content was written only by appending from empty: it can be streamed. */
    private boolean appendOnly;
    /** The multipart upload running while a large file is written sequentially, or null. */
    private MultipartStream stream;
    /** Metadata {@link #stream} was started with; attribute changes after that need a copy at the end. */
    private Map<String, String> streamMetadata;
    /** The mtime was set by utimens after the last write, so it must be stored as it is. */
    private boolean explicitMtime;
    /** chmod or chown changed this open file; otherwise the stored object's own mode and owner stay. */
    private boolean ownershipChanged;
    /**
     * Descriptors open on this content; the last one to close discards it. Not guarded by this
     * object's lock, so that joining a file never waits for its upload.
     */
    private final AtomicInteger handles = new AtomicInteger(1);
    /** User metadata set while unsaved (xattrs of cp -a, rsync -X), applied over the stored object's at save; null removes. */
    private final Map<String, String> metadataChanges = new java.util.LinkedHashMap<>();
    /** A Content-Type chosen while unsaved (user.s3.content-type), or null to keep the stored one or guess. */
    private String chosenContentType;
    /** The type the running streamed upload was started with. */
    private String streamContentType;
    /** For a large object edited in place, which parts the staging file holds; null when it holds everything. */
    private SparseStaging sparse;

    private final Uploads uploads;

    private StagedFile(FsContext ctx, Uploads uploads, FsPath path, Node node, boolean stored) {
        this.ctx = ctx;
        this.uploads = uploads;
        this.path = path;
        this.node = node;
        this.stored = stored;
        this.reader = new ObjectReader(ctx.store(), ctx.workers());
    }

    /** An existing object opened for reading or writing. */
    static StagedFile open(FsContext ctx, Uploads uploads, FsPath path, Node node, OpenFlags flags) {
        StagedFile file = new StagedFile(ctx, uploads, path, node, true);
        file.opened(flags, node);
        return file;
    }

    /** A new, empty file: dirty from the start, so that closing it stores an empty object. */
    static StagedFile create(FsContext ctx, Uploads uploads, FsPath path, int mode) {
        Node node = new Node(path.name(), NodeType.FILE, 0, ctx.clock().instant(), mode & 07777,
                ctx.options().uid(), ctx.options().gid(), null);
        StagedFile file = new StagedFile(ctx, uploads, path, node, false);
        file.makeLocal(false);
        try {
            file.staged.changed();
        } catch (FsException e) {
            file.drop();
            throw e;
        }
        file.appendOnly = true;
        file.dirty = true;
        return file;
    }

    /**
     * A descriptor opens this content. O_TRUNC empties it for every descriptor; a read-only open of
     * content that is neither local nor changed revalidates it (close-to-open: one GET, conditional
     * when cached), with {@code looked} the attributes a lookup just answered.
     */
    synchronized void opened(OpenFlags flags, Node looked) {
        if (flags.truncate()) {
            truncate(0);
        } else if (!flags.write() && channel == null && !dirty) {
            node = reader.open(ctx, path, looked);
        }
    }

    /** One more descriptor shares this content; false when the last one already closed it. */
    boolean retain() {
        return handles.getAndUpdate(n -> n == 0 ? 0 : n + 1) > 0;
    }

    /** A descriptor closed; true when it was the last, and the caller must {@link #discard} the content. */
    boolean releaseHandle() {
        return handles.decrementAndGet() == 0;
    }

    /** True when only the caller's descriptor holds this content: its close is the last one. */
    boolean lastHandle() {
        return handles.get() == 1;
    }

    FsPath path() {
        return path;
    }

    synchronized void moveTo(FsPath newPath) {
        path = newPath;
        if (sparse != null) {
            sparse.moved(newPath);
        }
    }

    /** What fstat on a descriptor answers: the content's current attributes, also after an unlink. */
    Node attributes() {
        return node.withName(path.name());
    }

    Optional<Node> unsavedNode() {
        return dirty && !unlinked ? Optional.of(node.withName(path.name())) : Optional.empty();
    }

    boolean isUnlinked() {
        return unlinked;
    }

    synchronized boolean updateUnsaved(UnaryOperator<Node> change) {
        if (!dirty) {
            return false;
        }
        Node before = node;
        node = change.apply(before);
        explicitMtime |= !node.mtime().equals(before.mtime());
        ownershipChanged |= node.mode() != before.mode() || node.uid() != before.uid() || node.gid() != before.gid();
        return true;
    }

    synchronized boolean updateUnsavedMetadata(String key, String value) {
        if (!dirty || unlinked) {
            return false;
        }
        metadataChanges.put(key, value);
        return true;
    }

    synchronized boolean updateUnsavedContentType(String contentType) {
        if (!dirty || unlinked) {
            return false;
        }
        chosenContentType = contentType;
        if (stream != null && !contentType.equals(streamContentType)) {
            // A completed multipart upload keeps the type it started with: upload the whole file at close instead.
            stopStreaming();
            appendOnly = false;
        }
        return true;
    }

    /**
     * The name now belongs to nobody or to another file: closing must not store this content there.
     * Descriptors keep reading what they opened, so content still read from S3 is fetched into the
     * staging folder first, while the object is still there.
     */
    synchronized void markUnlinked() {
        if (unlinked) {
            return;
        }
        if (stored && node.size() > 0) {
            try {
                makeLocal(true);
                if (sparse != null) {
                    sparse.fetchAll(node.size());
                }
            } catch (FsException e) {
                LOG.warn("{} is removed while open; its content could not be kept for the open descriptors, "
                        + "which now read errors: {}", path, e.getMessage());
            }
        }
        unlinked = true;
    }

    synchronized int read(byte[] dst, long offset, int length) {
        if (channel == null) {
            return reader.read(path, node.size(), dst, offset, length);
        }
        if (sparse != null) {
            sparse.beforeRead(offset, Math.min(offset + length, node.size()));
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(dst, 0, length);
            while (buf.hasRemaining()) {
                int n = channel.read(buf, offset + buf.position());
                if (n < 0) {
                    break;
                }
            }
            return buf.position();
        } catch (IOException e) {
            throw LocalDisk.failure("reading the staging file of " + path + " failed", e);
        }
    }

    synchronized int write(byte[] src, long offset, int length, boolean append) {
        makeLocal(true);
        try {
            long sizeBefore = channel.size();
            long at = append ? sizeBefore : offset;
            if (sparse != null) {
                sparse.beforeWrite(at, at + length);
            }
            staged.changed();
            ByteBuffer buf = ByteBuffer.wrap(src, 0, length);
            while (buf.hasRemaining()) {
                channel.write(buf, at + buf.position());
            }
            changed(channel.size());
            explicitMtime = false;
            streamIfSequential(at == sizeBefore);
            return length;
        } catch (IOException e) {
            throw LocalDisk.failure("writing the staging file " + stagingFile + " of " + path + " failed", e);
        }
    }

    synchronized void truncate(long size) {
        if (size < 0) {
            throw new FsException(Errno.EINVAL, "negative size " + size);
        }
        makeLocal(size > 0);
        stopStreaming();
        appendOnly = size == 0;
        if (sparse != null) {
            sparse.beforeResize(size);
        }
        try {
            staged.changed();
            if (size < channel.size()) {
                channel.truncate(size);
            } else if (size > channel.size()) {
                channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
            changed(size);
        } catch (IOException e) {
            throw LocalDisk.failure("truncating the staging file " + stagingFile + " of " + path + " failed", e);
        }
    }

    /**
     * Uploads the content if it changed; EIO when the upload fails: the stored object is then
     * untouched, and the content stays dirty and staged (its record says so) to be tried again.
     */
    synchronized void save() {
        if (!dirty || unlinked) {
            return;
        }
        Node uploaded;
        try {
            uploaded = upload(path);
        } catch (RuntimeException e) {
            staged.failed();
            throw e instanceof FsException fs && fs.errno() != Errno.EIO ? fs
                    : new FsException(Errno.EIO, e.getMessage() + "; the data stays in " + stagingFile + " and is tried again", e);
        }
        stored = true;
        dirty = false;
        appendOnly = false;
        metadataChanges.clear();
        chosenContentType = null;
        if (sparse != null) {
            sparse.saved(path, uploaded);
        }
        node = uploaded.withName(path.name());
        staged.saved(path, uploaded.etag());
    }

    /**
     * Stores the content when nobody waits for the answer (a retry after a failed close, unmount):
     * as {@link #save}, but never over a version another client stored since the content's base.
     * Such content is set aside in core's conflicts folder instead and no longer stored here.
     *
     * @return false when it was set aside
     */
    synchronized boolean saveUnattended() {
        if (!dirty || unlinked) {
            return true;
        }
        Optional<ObjectInfo> current = ctx.store().head(path.bucket(), path.key());
        String base = staged.baseEtag();
        boolean changed = base == null ? current.isPresent() : current.isEmpty() || !current.get().etag().equals(base);
        if (!changed) {
            save();
            return true;
        }
        stopStreaming();
        closeChannel();
        staged.setAside(current.orElse(null));
        staged = null;
        stagingFile = null;
        sparse = null;
        dirty = false;
        unlinked = true; // the name shows S3's version again; open descriptors can no longer store this content
        return false;
    }

    /** Uploads the dirty content as the object at {@code target}; the node S3 now has. */
    private Node upload(FsPath target) {
        Map<String, String> base = Map.of();
        String contentType = null;
        if (stored && stream == null) {
            // Keep what other tools stored with the object: user metadata and Content-Type.
            Optional<ObjectInfo> previous = ctx.store().head(target.bucket(), target.key());
            staged.replacing(previous.map(ObjectInfo::etag).orElse(null));
            if (previous.isPresent()) {
                base = previous.get().metadata();
                contentType = previous.get().contentType();
                if (!ownershipChanged) {
                    // The node may come from a listing (no metadata): keep the mode and owner the object has.
                    Node storedNode = ctx.namespace().nodeOf(target, previous.get());
                    node = node.withMode(storedNode.mode()).withOwner(storedNode.uid(), storedNode.gid());
                }
            }
        }
        if (chosenContentType != null) {
            contentType = chosenContentType;
        } else if (contentType == null) {
            contentType = ContentTypes.guess(target.name());
        }
        if (!metadataChanges.isEmpty()) {
            base = new java.util.HashMap<>(base);
            for (Map.Entry<String, String> change : metadataChanges.entrySet()) {
                if (change.getValue() == null) {
                    base.remove(change.getKey());
                } else {
                    base.put(change.getKey(), change.getValue());
                }
            }
        }
        Node n = node;
        Map<String, String> metadata = PosixMetadata.of(base, NodeType.FILE, n.mode(), n.uid(), n.gid(), n.mtime());
        staged.uploading();
        Node uploaded = stream != null ? finishStream(target, metadata) : null;
        if (uploaded == null && sparse != null && sparse.hasPartsInS3(n.size())) {
            uploaded = sparse.upload(target, n.size(), metadata, contentType);
        }
        if (uploaded == null) {
            try {
                channel.force(false);
                uploaded = ctx.storage().upload(target, stagingFile, metadata, contentType);
            } catch (FsException e) {
                throw new FsException(Errno.EIO, "upload of " + target + " failed; the stored object is unchanged: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new FsException(Errno.EIO, "reading the staging file of " + target + " failed", e);
            }
        }
        return uploaded;
    }

    /**
     * Completes the running multipart upload. Its metadata was fixed when it started: when chmod,
     * chown or an explicit mtime changed it since, one server-side copy stores the final attributes.
     * Null when streaming failed; the caller then uploads the whole file.
     */
    private Node finishStream(FsPath target, Map<String, String> wanted) {
        MultipartStream finishing = stream;
        stream = null;
        Node uploaded;
        try {
            uploaded = finishing.complete(node.size());
        } catch (FsException e) {
            LOG.info("streamed upload of {} failed ({}); uploading the whole file instead", target, e.getMessage());
            return null;
        }
        Map<String, String> expected = new java.util.HashMap<>(wanted);
        if (!explicitMtime) {
            expected.remove(PosixMetadata.MTIME);
        }
        if (!expected.equals(streamMetadata)) {
            uploaded = ctx.storage().replaceMetadata(target, expected);
        }
        return uploaded;
    }

    /** Starts or feeds the streamed multipart upload while the file grows by appends only. */
    private void streamIfSequential(boolean appended) {
        if (!appended) {
            appendOnly = false;
            stopStreaming();
            return;
        }
        if (!appendOnly) {
            return;
        }
        long size = node.size();
        if (stream == null && size > uploads.partSize()) {
            Map<String, String> metadata = PosixMetadata.of(Map.of(), NodeType.FILE, node.mode(), node.uid(), node.gid(), node.mtime());
            // The final mtime is unknown yet: without the key, the completed object's Last-Modified stands for it.
            metadata.remove(PosixMetadata.MTIME);
            try {
                streamContentType = ContentTypes.guess(path.name());
                stream = MultipartStream.start(ctx, path, stagingFile, uploads.partSize(),
                        uploads.parallelism(), metadata, streamContentType);
                streamMetadata = metadata;
            } catch (FsException e) {
                LOG.info("could not start streaming {} ({}); it is uploaded when closed", path, e.getMessage());
                appendOnly = false;
                return;
            }
        }
        if (stream != null && !stream.submitUpTo(size)) {
            stopStreaming();
            appendOnly = false;
        }
    }

    private void stopStreaming() {
        if (stream != null) {
            stream.abort();
            stream = null;
        }
    }

    /**
     * Frees the content without storing anything: the last descriptor closed (core's own ones
     * included, at unmount). Unsaved data keeps its staging file and record, so that the next start
     * stores it; anything else is deleted.
     */
    synchronized void discard() {
        if (isDirty()) {
            reader.clear();
            stopStreaming();
            closeChannel();
            LOG.debug("{}: unsaved data stays in {} for the next start", path, stagingFile);
            return;
        }
        drop();
    }

    /** Frees the staging file and any running upload, unsaved data included: content nobody will ever see. */
    synchronized void drop() {
        reader.clear();
        stopStreaming();
        closeChannel();
        if (staged != null) {
            staged.delete();
            staged = null;
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("could not close the staging file {}: {}", stagingFile, e.toString());
            }
            channel = null;
        }
    }

    boolean isDirty() {
        return dirty && !unlinked;
    }

    private void changed(long newSize) {
        dirty = true;
        node = node.withSize(newSize, ctx.clock().instant());
    }

    /**
     * Makes the content local. With {@code keepContent} and a stored object, a small object is
     * downloaded whole; a large one is staged sparse, its parts fetched as writes and reads need them.
     */
    private void makeLocal(boolean keepContent) {
        if (channel != null) {
            return;
        }
        StagingFile file = ctx.staging().create(path, stored ? node.etag() : null);
        try {
            stagingFile = file.file();
            boolean keep = keepContent && stored && node.size() > 0;
            boolean partByPart = keep && LocalParts.worthIt(node.size(), uploads.partSize());
            if (keep && !partByPart) {
                // Before the channel opens: the download replaces the file. Its version is the base.
                ObjectInfo base = ctx.store().download(path.bucket(), path.key(), stagingFile);
                file.saved(path, base.etag());
            }
            channel = FileChannel.open(stagingFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (partByPart) {
                sparse = SparseStaging.stage(ctx, uploads, path, stagingFile, channel);
                node = node.withSize(sparse.baseSize(), node.mtime());
                file.saved(path, sparse.baseEtag());
                file.partial();
            }
            staged = file;
            reader.clear();
        } catch (IOException | RuntimeException e) {
            closeChannel();
            file.delete();
            if (e instanceof IOException io) {
                throw LocalDisk.failure("cannot stage " + path + " in " + ctx.stagingDir(), io);
            }
            throw (RuntimeException) e;
        }
    }
}
