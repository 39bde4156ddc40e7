package io.localstackmount.example.checksums;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.XattrOps;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Content checksums as read-only extended attributes: {@code getfattr -n user.sha256 file} prints
 * the same hex digest as {@code sha256sum file}, computed from the object in S3.
 *
 * <pre>
 *   getxattr user.sha256   HEAD; then, unless this version was hashed before, ranged GETs of the
 *                          whole object, 8 MiB each; the digest is cached by bucket, key and ETag
 *   listxattr              the configured names for files, nothing for folders and symlinks
 *   setxattr, removexattr  EPERM for the checksum names, ENOTSUP for any other (nothing is stored)
 * </pre>
 *
 * The digest is of what S3 holds: data written to an open file counts once it is uploaded (on
 * close). Caching by ETag means an overwritten object is hashed again, never served stale; if the
 * object changes while it is being read, the read starts over once, then gives up with EIO.
 */
final class Checksums implements XattrOps {
    /** 8 MiB per GET: few requests for big objects, and a buffer small enough to allocate per call. */
    private static final int CHUNK = 8 * 1024 * 1024;
    /** Digests remembered; each entry is under 300 bytes, so the cache stays below a few MB. */
    private static final int CACHE_ENTRIES = 10_000;

    private final FsContext ctx;
    private final ChecksumSettings settings;
    private final Map<String, String> cache = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > CACHE_ENTRIES;
                }
            });

    Checksums(FsContext ctx, ChecksumSettings settings) {
        this.ctx = ctx;
        this.settings = settings;
    }

    @Override
    public byte[] getxattr(FsPath path, String name) {
        String digest = settings.algorithms().get(name);
        if (digest == null || !isFile(path)) {
            throw new FsException(Errno.ENODATA, "no attribute " + name + " on " + path);
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            ObjectInfo object = head(path);
            if (object.size() > settings.maxBytes()) {
                throw new FsException(Errno.EFBIG, path + " has " + object.size() + " bytes, more than the checksums plugin's max-bytes of "
                        + settings.maxBytes());
            }
            String cacheKey = path.bucket() + '\0' + path.key() + '\0' + object.etag() + '\0' + digest;
            String cached = cache.get(cacheKey);
            if (cached != null) {
                return cached.getBytes(StandardCharsets.US_ASCII);
            }
            String hex = hash(path, object, digest);
            if (head(path).etag().equals(object.etag())) {
                cache.put(cacheKey, hex);
                return hex.getBytes(StandardCharsets.US_ASCII);
            }
        }
        throw new FsException(Errno.EIO, path + " changed twice while its checksum was computed");
    }

    @Override
    public List<String> listxattr(FsPath path) {
        return isFile(path) ? List.copyOf(settings.algorithms().keySet()) : List.of();
    }

    @Override
    public void setxattr(FsPath path, String name, byte[] value) {
        throw refused(path, name);
    }

    @Override
    public void removexattr(FsPath path, String name) {
        throw refused(path, name);
    }

    private FsException refused(FsPath path, String name) {
        return settings.algorithms().containsKey(name)
                ? new FsException(Errno.EPERM, name + " is computed from the content and cannot be set")
                : new FsException(Errno.ENOTSUP, "the checksums xattr plugin stores no attributes (" + name + " on " + path + ")");
    }

    private boolean isFile(FsPath path) {
        if (!path.isObject()) {
            return false;
        }
        Optional<Node> node = ctx.namespace().find(path);
        return node.isPresent() && node.get().type() == NodeType.FILE;
    }

    private ObjectInfo head(FsPath path) {
        return ctx.store().head(path.bucket(), path.key())
                .orElseThrow(() -> new FsException(Errno.ENODATA, path + " is not stored yet: its checksum exists once it is uploaded"));
    }

    private String hash(FsPath path, ObjectInfo object, String algorithm) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new FsException(Errno.EIO, algorithm + " is missing", e);
        }
        // A ranged GET of an empty object is an error on some servers (416): nothing to read anyway.
        if (object.size() > 0) {
            byte[] buffer = new byte[(int) Math.min(CHUNK, object.size())];
            long offset = 0;
            while (offset < object.size()) {
                int want = (int) Math.min(buffer.length, object.size() - offset);
                int n = ctx.store().read(path.bucket(), path.key(), offset, buffer, 0, want);
                if (n <= 0) {
                    break;
                }
                md.update(buffer, 0, n);
                offset += n;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
