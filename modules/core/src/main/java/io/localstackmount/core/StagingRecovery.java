package io.localstackmount.core;

import io.localstackmount.api.FsException;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.PosixMetadata;
import io.localstackmount.core.StagingRecord.State;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, before anything is served: what stopped or killed mounts left in the staging root.
 * A folder whose lock nobody holds is stale. For each of its records of this store:
 * <ul>
 *   <li>the object still has the record's base ETag (or is still absent, for a new file): the data is
 *       uploaded, keeping the object's metadata and Content-Type, with the staging file's mtime;</li>
 *   <li>an upload was running and the object now holds exactly the staged bytes (its ETag is their
 *       MD5): it completed; nothing to do;</li>
 *   <li>anything else: another client changed the object, so the data is set aside in the conflicts
 *       folder ({@link Conflicts}) and the log says where.</li>
 * </ul>
 * An in-place edit of a large object whose file holds only the parts written is set aside too: its
 * other parts are holes. The check is a HEAD, then the PUT: a change by another client between the two is overwritten (the
 * window is one request long; conditional PUTs are not used because not every S3 emulator has them).
 * Multipart uploads the folder records are aborted. A folder left with nothing is removed; one whose
 * upload failed (S3 down) is left for the next start, and one of another store for a mount of that store.
 */
final class StagingRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StagingRecovery.class);
    /** A folder this young without a lock file may be a mount that is starting right now. */
    private static final Duration STARTING = Duration.ofMinutes(1);

    /** What one recovery did. */
    record Result(int uploaded, long bytes, int alreadyStored, int conflicts, int aborted, int left, long millis) {
        boolean nothing() {
            return uploaded + alreadyStored + conflicts + aborted + left == 0;
        }
    }

    private final Path root;
    private final ObjectStore store;
    private final String storeName;
    private final Clock clock;
    private int uploaded;
    private long bytes;
    private int alreadyStored;
    private int conflicts;
    private int aborted;
    private int left;

    private StagingRecovery(Path root, ObjectStore store, String storeName, Clock clock) {
        this.root = root;
        this.store = store;
        this.storeName = storeName;
        this.clock = clock;
    }

    /** Recovers every stale folder under {@code root} except {@code own}; logs and returns what it did. */
    static Result run(Path root, Path own, ObjectStore store, String storeName, Clock clock) {
        long start = System.nanoTime();
        StagingRecovery recovery = new StagingRecovery(root, store, storeName, clock);
        List<Path> folders;
        try (Stream<Path> list = Files.list(root)) {
            folders = list.filter(p -> p.getFileName().toString().startsWith(StagingArea.FOLDER_PREFIX) && !p.equals(own)
                    && Files.isDirectory(p)).sorted().toList();
        } catch (IOException e) {
            LOG.warn("cannot look for staged files left by earlier mounts in {}: {}", root, e.toString());
            folders = List.of();
        }
        for (Path folder : folders) {
            recovery.folder(folder);
        }
        Result r = new Result(recovery.uploaded, recovery.bytes, recovery.alreadyStored, recovery.conflicts, recovery.aborted,
                recovery.left, (System.nanoTime() - start) / 1_000_000);
        if (!r.nothing()) {
            LOG.info("recovered what earlier mounts left in {} in {} ms: {} files uploaded ({} bytes), {} already stored, "
                    + "{} set aside as conflicts, {} multipart uploads aborted, {} left for later", root, r.millis(), r.uploaded(),
                    r.bytes(), r.alreadyStored(), r.conflicts(), r.aborted(), r.left());
        }
        return r;
    }

    private void folder(Path folder) {
        if (!FolderLock.present(folder) && young(folder)) {
            return;
        }
        try (FolderLock lock = FolderLock.tryTake(folder)) {
            if (lock == null) {
                LOG.debug("{} belongs to a running mount", folder);
                return;
            }
            boolean keep = false;
            List<Path> files;
            try (Stream<Path> list = Files.list(folder)) {
                files = list.sorted().toList();
            }
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".rec")) {
                    keep |= !staged(file, file.resolveSibling(name.substring(0, name.length() - 4) + ".data"));
                } else if (name.endsWith(".upload")) {
                    keep |= !upload(file);
                }
            }
            if (keep) {
                LOG.warn("{} still holds staged data that could not be handled now (see above); the next start tries again", folder);
            } else {
                StagingArea.deleteTree(folder);
            }
        } catch (IOException e) {
            LOG.warn("cannot recover the staging folder {}: {}", folder, e.toString());
        }
    }

    /** Handles one record; false when it must stay (another store, or S3 failed). */
    private boolean staged(Path recordFile, Path data) {
        StagingRecord record;
        try {
            record = StagingRecord.read(recordFile);
        } catch (IOException e) {
            LOG.warn("{} is not a staging record ({}); left as it is", recordFile, e.getMessage());
            left++;
            return false;
        }
        if (!record.store().equals(storeName)) {
            LOG.warn("{} ({}) was staged for {}, not {}: left for a mount of that store", data, record.s3(), record.store(), storeName);
            left++;
            return false;
        }
        if (!Files.exists(data)) {
            deleteQuietly(recordFile);
            return true;
        }
        try {
            Optional<ObjectInfo> now = store.head(record.bucket(), record.key());
            boolean unchanged = record.base() == null ? now.isEmpty() : now.isPresent() && now.get().etag().equals(record.base());
            if (unchanged && record.partial()) {
                // Holes where the parts not written are: uploading the file alone would store zeros there.
                Path kept = Conflicts.keep(root, data, record, now.orElse(null), clock.instant());
                LOG.warn("{}: the edit of a large object held only the parts written; they are kept in {} at their"
                        + " offsets, the object is unchanged", record.s3(), kept);
                conflicts++;
                deleteQuietly(recordFile);
                return true;
            } else if (unchanged) {
                long size = Files.size(data);
                store.upload(record.bucket(), record.key(), data, metadata(now, data), contentType(now, record.key()));
                LOG.info("recovered {}: uploaded {} bytes staged by a mount that stopped before storing them ({})",
                        record.s3(), size, data);
                uploaded++;
                bytes += size;
            } else if (record.state() == State.UPLOADING && now.isPresent() && holds(now.get(), data)) {
                LOG.info("{}: the upload running when its mount stopped had completed", record.s3());
                alreadyStored++;
            } else {
                Conflicts.setAside(root, data, record, now.orElse(null), clock.instant());
                conflicts++;
                deleteQuietly(recordFile);
                return true;
            }
            Files.deleteIfExists(data);
            deleteQuietly(recordFile);
            return true;
        } catch (FsException | IOException e) {
            LOG.warn("could not recover {} from {} now: {}", record.s3(), data, e.getMessage());
            left++;
            return false;
        }
    }

    /** Aborts a recorded multipart upload; false when it must stay. */
    private boolean upload(Path file) {
        try {
            StagingRecord record = StagingRecord.read(file);
            if (!record.store().equals(storeName)) {
                left++;
                return false;
            }
            store.abortMultipart(record.bucket(), record.key(), record.base());
            LOG.info("aborted the multipart upload {} of {} that a stopped mount left incomplete", record.base(), record.s3());
            aborted++;
            Files.deleteIfExists(file);
            return true;
        } catch (FsException | IOException e) {
            LOG.warn("could not abort the multipart upload recorded in {}: {}", file, e.getMessage());
            left++;
            return false;
        }
    }

    /** The object's metadata and Content-Type stay (a new object gets none); the mtime is the staged file's. */
    private static Map<String, String> metadata(Optional<ObjectInfo> now, Path data) throws IOException {
        Map<String, String> metadata = new HashMap<>(now.map(ObjectInfo::metadata).orElse(Map.of()));
        metadata.put(PosixMetadata.MTIME, Long.toString(Files.getLastModifiedTime(data).toInstant().getEpochSecond()));
        return metadata;
    }

    private static String contentType(Optional<ObjectInfo> now, String key) {
        if (now.isPresent() && now.get().contentType() != null) {
            return now.get().contentType();
        }
        String guessed = URLConnection.getFileNameMap().getContentTypeFor(key);
        return guessed != null ? guessed : "application/octet-stream";
    }

    /** True when {@code object} is the staged bytes: same size and a plain ETag equal to their MD5. */
    private static boolean holds(ObjectInfo object, Path data) throws IOException {
        if (object.etag() == null || object.etag().contains("-") || object.size() != Files.size(data)) {
            return false;
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(data), MessageDigest.getInstance("MD5"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest()).equalsIgnoreCase(object.etag());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }

    private static boolean young(Path folder) {
        try {
            return Files.getLastModifiedTime(folder).toInstant().isAfter(java.time.Instant.now().minus(STARTING));
        } catch (IOException e) {
            return true;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", file, e.toString());
        }
    }
}
