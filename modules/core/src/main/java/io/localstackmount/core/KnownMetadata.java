package io.localstackmount.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.localstackmount.api.ObjectInfo;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * User metadata of objects by version: what listings do not carry. Learnt from HEADs and GETs and
 * from this mount's own writes, kept in memory and, when a journal is given, on disk across mounts
 * ({@link MetadataJournal}). A record answers only for the version it names: same ETag and size,
 * and the same Last-Modified second when both sides know it, since a metadata change by a
 * server-side copy keeps the ETag but moves Last-Modified. A record written by this mount does not
 * know the server's Last-Modified yet; the first listing that shows the version fills it in.
 *
 * <p>Folder markers are the exception: a folder appears in its parent's listing as a common prefix,
 * with no version, so a marker's record (its metadata, or "no marker") answers until the folder's
 * own listing shows another marker version. Thread-safe.
 */
final class KnownMetadata {
    /** ETag of a record saying a folder has no marker. */
    static final String NO_MARKER = "";

    private final Cache<String, MetadataJournal.Entry> byKey;
    /** Folders whose journal file has been read into {@link #byKey}. */
    private final Cache<String, Boolean> loaded;
    private final MetadataJournal journal;

    /** @param journal where records outlive the mount, or null to keep them in memory only */
    KnownMetadata(long maxEntries, MetadataJournal journal) {
        this.byKey = Caffeine.newBuilder().maximumSize(maxEntries).build();
        this.loaded = Caffeine.newBuilder().maximumSize(Math.max(1, maxEntries / 10)).build();
        this.journal = journal;
    }

    /** The metadata of the version {@code object} describes, if known. */
    Optional<Map<String, String>> of(String bucket, ObjectInfo object) {
        MetadataJournal.Entry e = entry(bucket, object.key());
        if (e == null || !e.etag().equals(object.etag()) || e.size() != object.size()) {
            return Optional.empty();
        }
        Instant listed = object.lastModified();
        if (e.lastModified() != null && listed != null && e.lastModified().getEpochSecond() != listed.getEpochSecond()) {
            return Optional.empty();
        }
        if (e.lastModified() == null && listed != null) {
            remember(bucket, object.key(), new MetadataJournal.Entry(e.etag(), listed, e.size(), e.metadata()));
        }
        return Optional.of(e.metadata());
    }

    /** A folder marker's record: its metadata, or empty metadata with {@link #NO_MARKER} as ETag; null when unknown. */
    MetadataJournal.Entry marker(String bucket, String markerKey) {
        return entry(bucket, markerKey);
    }

    /** What a HEAD, a GET or a listing with metadata said of a version. */
    void learnt(String bucket, ObjectInfo object) {
        if (object.metadata() != null && object.etag() != null) {
            remember(bucket, object.key(), new MetadataJournal.Entry(object.etag(), object.lastModified(), object.size(),
                    Map.copyOf(object.metadata())));
        }
    }

    /** What this mount wrote: the server's Last-Modified is not known yet. */
    void wrote(String bucket, String key, String etag, long size, Map<String, String> metadata) {
        remember(bucket, key, new MetadataJournal.Entry(etag == null ? NO_MARKER : etag, null, size, Map.copyOf(metadata)));
    }

    /**
     * A folder's own listing showed its marker: a record of another version (another client changed
     * the folder's attributes) is forgotten, so that the next lookup asks again.
     */
    void listedMarker(String bucket, ObjectInfo marker) {
        MetadataJournal.Entry e = entry(bucket, marker.key());
        if (e == null) {
            return;
        }
        boolean otherEtag = !e.etag().isEmpty() && marker.etag() != null && !e.etag().equals(marker.etag());
        boolean otherTime = e.lastModified() != null && marker.lastModified() != null
                && e.lastModified().getEpochSecond() != marker.lastModified().getEpochSecond();
        if (otherEtag || otherTime) {
            byKey.invalidate(id(bucket, marker.key()));
        } else if (e.lastModified() == null && marker.lastModified() != null) {
            remember(bucket, marker.key(), new MetadataJournal.Entry(e.etag(), marker.lastModified(), e.size(), e.metadata()));
        }
    }

    /**
     * What a HEAD of a folder marker said. Some stores give markers no ETag (S3Proxy's filesystem
     * store keeps folders as directories): the record is kept all the same, since a marker's record
     * is not checked by version.
     */
    void learntMarker(String bucket, ObjectInfo marker) {
        remember(bucket, marker.key(), new MetadataJournal.Entry(marker.etag() == null ? NO_MARKER : marker.etag(),
                marker.lastModified(), marker.size(), marker.metadata() == null ? Map.of() : Map.copyOf(marker.metadata())));
    }

    /** A folder has no marker (a HEAD of {@code key/} found none). */
    void noMarker(String bucket, String markerKey) {
        remember(bucket, markerKey, new MetadataJournal.Entry(NO_MARKER, null, 0, Map.of()));
    }

    /**
     * A folder's own complete listing showed no marker: a record of one (another client deleted it)
     * gives way to "no marker", so the folder shows an implicit folder's attributes again.
     */
    void listedWithoutMarker(String bucket, String markerKey) {
        MetadataJournal.Entry e = entry(bucket, markerKey);
        if (e != null && !e.etag().equals(NO_MARKER)) {
            noMarker(bucket, markerKey);
        }
    }

    /** Forgets what is known of {@code key} in memory, so that it is asked again. */
    void forget(String bucket, String key) {
        byKey.invalidate(id(bucket, key));
    }

    void clear() {
        byKey.invalidateAll();
        loaded.invalidateAll();
    }

    private void remember(String bucket, String key, MetadataJournal.Entry entry) {
        MetadataJournal.Entry before = entry(bucket, key);
        byKey.put(id(bucket, key), entry);
        if (journal != null && !entry.equals(before)) {
            journal.append(bucket, folderPrefix(key), name(key), entry);
        }
    }

    private MetadataJournal.Entry entry(String bucket, String key) {
        String id = id(bucket, key);
        MetadataJournal.Entry e = byKey.getIfPresent(id);
        if (e != null || journal == null) {
            return e;
        }
        String prefix = folderPrefix(key);
        String folderId = id(bucket, prefix);
        if (loaded.getIfPresent(folderId) == null) {
            loaded.put(folderId, Boolean.TRUE);
            journal.load(bucket, prefix).forEach((name, entry) -> byKey.asMap().putIfAbsent(id(bucket, prefix + name), entry));
            e = byKey.getIfPresent(id);
        }
        return e;
    }

    /** The folder a key is listed in: {@code a/b/} for {@code a/b/c} and for the marker {@code a/b/c/}. */
    private static String folderPrefix(String key) {
        String k = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        int slash = k.lastIndexOf('/');
        return slash < 0 ? "" : k.substring(0, slash + 1);
    }

    private static String name(String key) {
        return key.substring(folderPrefix(key).length());
    }

    private static String id(String bucket, String key) {
        return bucket + "\n" + key;
    }
}
