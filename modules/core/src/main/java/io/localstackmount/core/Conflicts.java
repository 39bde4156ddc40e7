package io.localstackmount.core;

import io.localstackmount.api.ObjectInfo;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conflicts folder of the staging root: staged data that a retry or the recovery at start did
 * not upload because another client changed (or deleted) the object since the data's base. Each
 * keeps a readable name, {@code 20250501-120000-bucket-dir_f.txt}, and its record beside it
 * ({@code ....rec}, state CONFLICT, with the ETag found instead). Nothing here is ever deleted by the
 * mount: a person decides which version wins.
 */
final class Conflicts {
    private static final Logger LOG = LoggerFactory.getLogger(Conflicts.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    /** Keeps names well under 255 bytes with the stamp, a counter and ".rec". */
    private static final int MAX_NAME = 160;

    private Conflicts() {
    }

    /**
     * Moves {@code data} into {@code root}'s conflicts folder with its record, logs where, and returns
     * the new place. {@code current} is what the object is now, null when it is gone.
     */
    static Path setAside(Path root, Path data, StagingRecord record, ObjectInfo current, Instant now) throws IOException {
        Path target = keep(root, data, record, current, now);
        LOG.warn("{} was changed by another client since this mount's edit began from {} (it is now {}): the edit ({} bytes)"
                        + " was not uploaded over it and is kept in {}; copy it into the mount to keep it",
                record.s3(), record.base() == null ? "no object" : "ETag " + record.base(),
                current == null ? "deleted" : "ETag " + current.etag() + ", " + current.size() + " bytes, modified " + current.lastModified(),
                Files.size(target), target);
        return target;
    }

    /** Moves {@code data} and its record into the conflicts folder without a word: the caller says why. */
    static Path keep(Path root, Path data, StagingRecord record, ObjectInfo current, Instant now) throws IOException {
        Path dir = Files.createDirectories(root.resolve("conflicts"));
        String name = STAMP.format(now) + "-" + safe(record.bucket() + "-" + record.key());
        Path target = dir.resolve(name);
        for (int n = 2; ; n++) {
            try {
                Files.createFile(target);
                break;
            } catch (FileAlreadyExistsException e) {
                target = dir.resolve(STAMP.format(now) + "-" + n + "-" + safe(record.bucket() + "-" + record.key()));
            }
        }
        Files.move(data, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        record.conflict(current == null ? null : current.etag(), now).write(target.resolveSibling(target.getFileName() + ".rec"));
        return target;
    }

    /** A key as a file name: letters, digits, '.', '-' and '_' stay, everything else becomes '_'. */
    private static String safe(String text) {
        String s = text.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.length() <= MAX_NAME ? s : s.substring(s.length() - MAX_NAME);
    }
}
