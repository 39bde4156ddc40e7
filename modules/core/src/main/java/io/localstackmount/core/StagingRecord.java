package io.localstackmount.core;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Properties;

/**
 * The record of one staged file whose content S3 does not have yet, as {@link StagingArea} keeps it
 * next to the data ({@code f-7.rec} beside {@code f-7.data}): a small properties file, replaced
 * whole by writing a temporary file and renaming it, so that a crash leaves the old record or the
 * new one and never half of one.
 *
 * <pre>
 *   store=http://localhost:4566 (us-east-1)    which store the mount wrote to: recovery only uploads to the same
 *   bucket=b
 *   key=dir/f.txt
 *   base=9a0364b9e99bb480dd25e1f0284c8555       the ETag the content started from; absent for a new object
 *   state=DIRTY                                 DIRTY, UPLOADING, or CONFLICT (in the conflicts folder)
 *   since=2025-05-01T12:00:00Z                  when the state began
 *   current=...                                 CONFLICT only: the ETag the object had instead, absent if deleted
 *   partial=true                                only the parts written are in the file (an in-place edit of a large
 *                                               object): never uploaded alone, set aside instead
 * </pre>
 */
record StagingRecord(String store, String bucket, String key, String base, State state, Instant since, String current,
                     boolean partial) {

    /** What the content needs. */
    enum State {
        /** Changed and not stored: recovery uploads it if the object is still the base. */
        DIRTY,
        /** An upload was running: it may have completed, which recovery checks before anything else. */
        UPLOADING,
        /** Set aside: another client changed the object; the data waits for a person. */
        CONFLICT
    }

    StagingRecord with(State newState, Instant at) {
        return new StagingRecord(store, bucket, key, base, newState, at, current, partial);
    }

    StagingRecord conflict(String currentEtag, Instant at) {
        return new StagingRecord(store, bucket, key, base, State.CONFLICT, at, currentEtag, partial);
    }

    StagingRecord partial(boolean onlyParts) {
        return new StagingRecord(store, bucket, key, base, state, since, current, onlyParts);
    }

    String s3() {
        return "s3://" + bucket + "/" + key;
    }

    /** Replaces {@code file} with this record in one rename. */
    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("store", store);
        p.setProperty("bucket", bucket);
        p.setProperty("key", key);
        if (base != null) {
            p.setProperty("base", base);
        }
        p.setProperty("state", state.name());
        p.setProperty("since", since.toString());
        if (current != null) {
            p.setProperty("current", current);
        }
        if (partial) {
            p.setProperty("partial", "true");
        }
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            p.store(out, "localstackmount staged file: see docs/RELIABILITY.md");
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads a record; IOException also when a field is missing or wrong. */
    static StagingRecord read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        try {
            return new StagingRecord(required(p, "store"), required(p, "bucket"), required(p, "key"), p.getProperty("base"),
                    State.valueOf(required(p, "state")), Instant.parse(required(p, "since")), p.getProperty("current"),
                    Boolean.parseBoolean(p.getProperty("partial")));
        } catch (RuntimeException e) {
            throw new IOException("not a staging record: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String name) throws IOException {
        String value = p.getProperty(name);
        if (value == null) {
            throw new IOException("no " + name);
        }
        return value;
    }
}
