package io.localstackmount.plugin.xattr;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.PosixMetadata;
import io.localstackmount.api.XattrOps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extended attributes over S3 object metadata, so that {@code getfattr -d file} shows what a
 * program stored with an object. Names are {@link XattrName}'s job, value encoding is
 * {@link MetadataText}'s.
 *
 * <p>Reads: every call is one HEAD of the object behind the path (a folder's marker {@code dir/};
 * an implicit folder has only {@code user.s3.key}). Names outside {@code user.} answer ENODATA
 * without a request, because {@code ls} asks for ACLs and SELinux labels of every file. Buckets,
 * the root and symlinks carry no attributes (Linux itself refuses {@code user.*} on symlinks).
 *
 * <p>Writes: HEAD, merge, then a server-side copy of the object onto itself that replaces its user
 * metadata (the store re-sends Content-Type); the POSIX keys ride along untouched. An implicit
 * folder gets a marker that carries the metadata, as chmod gives it one. Content-Type cannot be
 * changed by the store's copy, so setting it rewrites the object (download, upload) up to a size
 * limit. A file open with unsaved data takes the change with its upload (cp -a and rsync -X set
 * attributes on the file they are writing). Every change is reported to the namespace, because a
 * copy changes Last-Modified and may change the ETag.
 *
 * <p>Tools that copy attributes ({@code cp -a}, {@code mv} across file systems, {@code rsync -aX})
 * copy every name {@code listxattr} gives, {@code user.s3.etag} and its read-only siblings too, and
 * {@code rsync -X} removes names the source lacks. So setting or removing a read-only
 * {@code user.s3.*} name is accepted and ignored (logged at debug): those values belong to the
 * object S3 stores, and a copy gets its own. Only {@code user.s3.content-type} is ever stored.
 */
final class StandardXattrs implements XattrOps {
    private static final Logger LOG = LoggerFactory.getLogger(StandardXattrs.class);
    /** What core and the other plugins give the folder markers they write. */
    static final String MARKER_CONTENT_TYPE = "application/x-directory";
    /** Setting: the largest object whose Content-Type may be changed by downloading and uploading it again. */
    static final String REWRITE_LIMIT_SETTING = "content-type-rewrite-limit";
    /**
     * 64 MiB: a rewrite moves the whole body through this machine twice, which for test fixtures
     * (the objects a developer inspects) takes well under a second on loopback; beyond that a
     * surprise multi-gigabyte transfer is worse than a clear ENOTSUP.
     */
    static final long DEFAULT_REWRITE_LIMIT = 64L * 1024 * 1024;
    /** Longest Content-Type accepted; S3 has no stated limit, but a header this long is a mistake. */
    private static final int CONTENT_TYPE_MAX = 255;

    private final FsContext ctx;
    private final long rewriteLimit;

    StandardXattrs(FsContext ctx) {
        this.ctx = ctx;
        this.rewriteLimit = ctx.settings().getLong(REWRITE_LIMIT_SETTING, DEFAULT_REWRITE_LIMIT);
    }

    /** What is stored behind a path: {@code object} is null when nothing is (implicit folder, unsaved new file). */
    private record Stored(FsPath path, Node node, String key, ObjectInfo object) {
        Map<String, String> metadata() {
            return object == null || object.metadata() == null ? Map.of() : object.metadata();
        }

        String location() {
            return "s3://" + path.bucket() + "/" + key;
        }
    }

    @Override
    public byte[] getxattr(FsPath path, String name) {
        XattrName n = XattrName.of(name);
        if (n.kind() != XattrName.Kind.SYSTEM && n.kind() != XattrName.Kind.USER) {
            throw new FsException(Errno.ENODATA, noSuch(name, path) + " (only user.* attributes exist here, "
                    + "and user.mode/uid/gid/mtime are shown by stat)");
        }
        Stored s = stored(path);
        if (s == null) {
            throw new FsException(Errno.ENODATA, noSuch(name, path) + " (buckets, the root and symlinks have no attributes)");
        }
        String value;
        if (n.kind() == XattrName.Kind.SYSTEM) {
            value = n.system().valueOf(path.bucket(), s.key(), s.object());
        } else {
            String header = s.metadata().get(n.metadataKey());
            value = header == null ? null : MetadataText.decode(header);
        }
        if (value == null) {
            throw new FsException(Errno.ENODATA, noSuch(name, path));
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public List<String> listxattr(FsPath path) {
        Stored s = stored(path);
        if (s == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (SystemAttribute a : SystemAttribute.values()) {
            if (a.valueOf(path.bucket(), s.key(), s.object()) != null) {
                names.add(a.attributeName());
            }
        }
        for (String key : new TreeSet<>(s.metadata().keySet())) {
            String name = XattrName.ofMetadataKey(key);
            if (name != null) {
                names.add(name);
            } else if (!XattrName.POSIX_KEYS.contains(key)) {
                LOG.debug("{} has metadata x-amz-meta-{}, hidden: the user.s3. prefix is reserved for system attributes",
                        s.location(), key);
            }
        }
        return names;
    }

    @Override
    public void setxattr(FsPath path, String name, byte[] value) {
        XattrName n = XattrName.of(name);
        if (ignoredSystemName(n, path, "set")) {
            return;
        }
        refuseUnwritable(n, path, "set");
        if (n.kind() == XattrName.Kind.SYSTEM) { // only Content-Type gets here
            String type = contentType(n, value);
            Node node = writableNode(path, "set " + name);
            if (!pending(path, f -> f.updateUnsavedContentType(type))) {
                setContentType(stored(path, node), type);
            }
            return;
        }
        n.requireStorableKey();
        String header = MetadataText.encode(name, value);
        Node node = writableNode(path, "set " + name);
        if (!pending(path, f -> f.updateUnsavedMetadata(n.metadataKey(), header))) {
            changeMetadata(stored(path, node), n, header);
        }
    }

    @Override
    public void removexattr(FsPath path, String name) {
        XattrName n = XattrName.of(name);
        if (ignoredSystemName(n, path, "remove") || n.kind() == XattrName.Kind.SYSTEM) {
            // Every object has a Content-Type: removing it (rsync -X from a file without one) keeps it.
            return;
        }
        refuseUnwritable(n, path, "remove");
        Node node = writableNode(path, "remove " + name);
        if (!pending(path, f -> f.updateUnsavedMetadata(n.metadataKey(), null))) {
            changeMetadata(stored(path, node), n, null);
        }
    }

    /**
     * True for the read-only {@code user.s3.*} names (and unknown ones under the prefix): copying tools
     * set and remove them, and a copy has its own ETag, size and key; accepted, nothing changes.
     */
    private static boolean ignoredSystemName(XattrName n, FsPath path, String verb) {
        boolean readOnly = n.kind() == XattrName.Kind.RESERVED
                || n.kind() == XattrName.Kind.SYSTEM && n.system() != SystemAttribute.CONTENT_TYPE;
        if (readOnly) {
            LOG.debug("{} {} on {}: S3 system metadata, kept as S3 has it (accepted for tools that copy attributes)", verb, n.name(), path);
        }
        return readOnly;
    }

    /**
     * Applies a change to the unsaved data of a descriptor open on {@code path}; false when none holds
     * any. ENOTSUP when unsaved data cannot take it (a files provider without the api's support):
     * changing the stored object would be overwritten by the upload.
     */
    private boolean pending(FsPath path, java.util.function.Predicate<OpenFile> change) {
        boolean unsaved = false;
        for (OpenFile file : ctx.openFiles().openAt(path)) {
            if (file.unsavedNode().isPresent()) {
                unsaved = true;
                if (change.test(file)) {
                    return true;
                }
            }
        }
        if (unsaved) {
            throw new FsException(Errno.ENOTSUP, "cannot change the attributes of " + path + " while it is open with unsaved"
                    + " data: its files provider cannot store them with the upload; set them after closing the file");
        }
        return false;
    }

    /** The node at a path whose attributes may change; ENOTSUP for buckets and the root, and for unsaved data that cannot take them. */
    private Node writableNode(FsPath path, String what) {
        if (!path.isObject()) {
            throw new FsException(Errno.ENOTSUP, "cannot " + what + " on " + path
                    + ": buckets and the mount root have no metadata to keep attributes in");
        }
        Node node = ctx.namespace().lookup(path);
        if (node.type() == NodeType.SYMLINK) {
            throw new FsException(Errno.EPERM, "cannot " + what + " on symlink " + path + ": user attributes are not"
                    + " permitted on symlinks (as on Linux)");
        }
        return node;
    }

    private static void refuseUnwritable(XattrName n, FsPath path, String verb) {
        switch (n.kind()) {
            case OTHER_NAMESPACE -> throw new FsException(Errno.ENOTSUP, "cannot " + verb + " " + n.name() + " on " + path
                    + ": only user.* attributes are stored (as S3 user metadata)");
            case RESERVED -> throw new FsException(Errno.EPERM, "cannot " + verb + " " + n.name() + " on " + path
                    + ": names under user.s3. are reserved for S3 system metadata");
            case POSIX -> throw new FsException(Errno.EPERM, "cannot " + verb + " " + n.name() + " on " + path
                    + ": x-amz-meta-" + n.metadataKey() + " holds a POSIX attribute; use chmod, chown or touch");
            case SYSTEM -> {
                if (n.system() != SystemAttribute.CONTENT_TYPE) {
                    throw new FsException(Errno.EPERM, "cannot " + verb + " " + n.name() + " on " + path
                            + ": it is S3 system metadata and read-only");
                }
            }
            case USER -> {
                // writable
            }
        }
    }

    private Stored stored(FsPath path) {
        if (!path.isObject()) {
            return null;
        }
        Node node = ctx.namespace().lookup(path);
        return node.type() == NodeType.SYMLINK ? null : stored(path, node);
    }

    private Stored stored(FsPath path, Node node) {
        if (!node.isDirectory()) {
            return new Stored(path, node, path.key(), ctx.store().head(path.bucket(), path.key()).orElse(null));
        }
        ObjectInfo marker = ctx.store().head(path.bucket(), path.markerKey()).orElse(null);
        if (marker == null) {
            // s3fs also writes folders as an object without the slash whose mode says S_IFDIR.
            ObjectInfo plain = ctx.store().head(path.bucket(), path.key()).orElse(null);
            if (plain != null && PosixMetadata.type(plain.metadata(), NodeType.FILE) == NodeType.DIRECTORY) {
                return new Stored(path, node, path.key(), plain);
            }
        }
        return new Stored(path, node, path.markerKey(), marker);
    }

    /** Sets ({@code header} non-null) or removes one user metadata entry. */
    private void changeMetadata(Stored s, XattrName n, String header) {
        String key = n.metadataKey();
        if (s.object() == null) {
            if (header == null) {
                throw new FsException(Errno.ENODATA, noSuch(n.name(), s.path()));
            }
            if (!s.node().isDirectory()) {
                throw new FsException(Errno.ENOENT, s.path() + " vanished from S3 (" + s.location() + ") before "
                        + n.name() + " could be set");
            }
            Map<String, String> metadata = markerMetadata(s.node());
            metadata.put(key, header);
            requireFits(s, metadata, Map.of());
            createMarker(s, metadata, MARKER_CONTENT_TYPE);
            return;
        }
        Map<String, String> before = s.metadata();
        Map<String, String> after = new HashMap<>(before);
        String old = header == null ? after.remove(key) : after.put(key, header);
        if (header == null && old == null) {
            throw new FsException(Errno.ENODATA, noSuch(n.name(), s.path()));
        }
        if (Objects.equals(old, header)) {
            return; // S3 would accept the copy, but nothing would change
        }
        requireFits(s, after, before);
        ctx.storage().replaceMetadata(s.path(), after);
    }

    private void setContentType(Stored s, String contentType) {
        if (s.object() == null) {
            if (!s.node().isDirectory()) {
                throw new FsException(Errno.ENOENT, s.path() + " vanished from S3 (" + s.location()
                        + ") before its Content-Type could be set");
            }
            createMarker(s, markerMetadata(s.node()), contentType);
            return;
        }
        if (contentType.equals(s.object().contentType())) {
            return;
        }
        if (s.key().equals(s.path().markerKey())) {
            createMarker(s, s.metadata(), contentType); // a marker is empty: write it again, no download
            return;
        }
        if (s.object().size() > rewriteLimit) {
            LOG.info("not changing the Content-Type of {}: it is {} bytes, over the {} limit of {} bytes for a rewrite",
                    s.location(), s.object().size(), REWRITE_LIMIT_SETTING, rewriteLimit);
            throw new FsException(Errno.ENOTSUP, "changing the Content-Type of " + s.location() + " means downloading and"
                    + " uploading its " + s.object().size() + " bytes, over the xattr." + REWRITE_LIMIT_SETTING + " of "
                    + rewriteLimit + " bytes");
        }
        rewrite(s, contentType);
    }

    /**
     * Downloads the object and uploads it again with a new Content-Type, keeping its user metadata.
     * The store's copy keeps the source's Content-Type, so this is the one way the api allows.
     */
    private void rewrite(Stored s, String contentType) {
        String bucket = s.path().bucket();
        Path temp = null;
        try {
            temp = Files.createTempFile(ctx.stagingDir(), ".xattr-", ".body");
            ObjectInfo body = ctx.store().download(bucket, s.key(), temp);
            // The GET's metadata belongs to the body we hold, even if the object changed since the HEAD.
            Map<String, String> metadata = body.metadata() != null ? body.metadata() : s.metadata();
            ObjectInfo now = ctx.store().head(bucket, s.key()).orElseThrow(() -> new FsException(Errno.ENOENT,
                    s.location() + " was deleted while its Content-Type was being changed"));
            if (!Objects.equals(now.etag(), body.etag())) {
                throw new FsException(Errno.EIO, s.location() + " was overwritten while its Content-Type was being changed;"
                        + " nothing was written");
            }
            ctx.storage().upload(s.path(), temp, metadata, contentType);
            LOG.debug("rewrote {} ({} bytes) with Content-Type {}", s.location(), body.size(), contentType);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "changing the Content-Type of " + s.location()
                    + " failed while staging its body in " + ctx.stagingDir(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.warn("could not delete the staging file {}: {}", temp, e.toString());
                }
            }
        }
    }

    /** POSIX metadata for a new marker, so that the folder's stat does not change when it gets one. */
    private static Map<String, String> markerMetadata(Node folder) {
        return PosixMetadata.of(Map.of(), NodeType.DIRECTORY, folder.mode(), folder.uid(), folder.gid(), folder.mtime());
    }

    private void createMarker(Stored s, Map<String, String> metadata, String contentType) {
        ctx.storage().putFolderMarker(s.path(), metadata, contentType);
        LOG.debug("wrote marker {} to keep attributes of the implicit folder {}", s.location(), s.path());
    }

    private static void requireFits(Stored s, Map<String, String> after, Map<String, String> before) {
        int size = MetadataText.size(after);
        if (size > MetadataText.USER_METADATA_MAX && size > MetadataText.size(before)) {
            throw new FsException(Errno.ENOSPC, "the user metadata of " + s.location() + " would be " + size
                    + " bytes; S3 allows " + MetadataText.USER_METADATA_MAX + " (names and values added up, including"
                    + " mode, uid, gid and mtime)");
        }
    }

    private static String contentType(XattrName n, byte[] value) {
        String type = new String(value, StandardCharsets.UTF_8);
        if (type.isEmpty() || type.length() > CONTENT_TYPE_MAX || !MetadataText.headerSafe(type) || type.indexOf('/') <= 0) {
            throw new FsException(Errno.EINVAL, "\"" + type + "\" is not a Content-Type for " + n.name()
                    + ": expected printable ASCII such as text/plain or application/json; charset=utf-8");
        }
        return type;
    }

    private static String noSuch(String name, FsPath path) {
        return path + " has no attribute " + name;
    }
}
