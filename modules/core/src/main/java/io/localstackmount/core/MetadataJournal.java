package io.localstackmount.core;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user metadata of objects, remembered on disk by version so that a later mount, or a later
 * {@code ls -l} of the same objects, needs no HEAD to show their mode, owner and symlink targets.
 * Listings carry no user metadata; what a HEAD or a write of this mount learnt is kept here.
 *
 * <pre>
 *   root/3f/3f9a...e1.log   one file per folder (bucket + key prefix), a record per line, last one wins
 * </pre>
 *
 * <p>A record is the entry's name (the rest of its key after the folder's prefix; {@code name/} for
 * a folder marker), its ETag, Last-Modified in epoch seconds or {@code -}, size, and its metadata,
 * each field URL-encoded and separated by tabs. Files are only appended to, each record with one
 * write, so mounts sharing the folder interleave whole lines; a file with many more records than
 * names is rewritten compacted when it is loaded. A damaged line is skipped: this is a cache, and
 * what it lacks costs a HEAD, never a wrong answer, because every record names the version it is for.
 */
final class MetadataJournal {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataJournal.class);
    /** Compact a file once it holds this many more lines than names: rewrites stay rare. */
    private static final int SLACK = 256;

    private final Path root;
    private final WarnOnce warnings = new WarnOnce(LOG);

    /** One remembered version and its metadata ({@code lastModified} null when not known to the second). */
    record Entry(String etag, Instant lastModified, long size, Map<String, String> metadata) {
    }

    MetadataJournal(Path root) {
        this.root = root;
    }

    /** The entries recorded for the folder {@code prefix} of {@code bucket}, by name; empty when none. */
    Map<String, Entry> load(String bucket, String prefix) {
        Path file = fileOf(bucket, prefix);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | UncheckedIOException e) {
            warnings.warn("read", "reading the metadata cache " + root + " failed (" + e + "); objects are asked with HEAD instead");
            return Map.of();
        }
        Map<String, Entry> entries = new TreeMap<>();
        String header = header(bucket, prefix);
        if (lines.isEmpty() || !lines.get(0).equals(header)) {
            return Map.of(); // another folder with the same hash, or not ours: ignore it
        }
        for (String line : lines.subList(1, lines.size())) {
            parse(line, entries);
        }
        if (lines.size() > entries.size() + SLACK) {
            rewrite(file, header, entries);
        }
        return entries;
    }

    /** Appends one record for {@code name} in folder {@code prefix}. */
    void append(String bucket, String prefix, String name, Entry entry) {
        Path file = fileOf(bucket, prefix);
        String line = format(name, entry);
        try {
            Files.createDirectories(file.getParent());
            // A stream, not a channel: an interrupt (unmount stops the HEAD threads) must not lose the record.
            boolean fresh = file.toFile().length() == 0;
            try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
                String text = fresh ? header(bucket, prefix) + "\n" + line : line;
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException | UncheckedIOException e) {
            warnings.warn("write", "writing the metadata cache " + root + " failed (" + e
                    + "); attributes are asked of S3 again after a remount");
        }
    }

    private void rewrite(Path file, String header, Map<String, Entry> entries) {
        StringBuilder text = new StringBuilder(header).append('\n');
        entries.forEach((name, entry) -> text.append(format(name, entry)));
        try {
            Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("compacting {} failed: {}", file, e.toString());
        }
    }

    private static String header(String bucket, String prefix) {
        return "# " + encode(bucket) + " " + encode(prefix);
    }

    private static String format(String name, Entry e) {
        StringBuilder meta = new StringBuilder();
        new TreeMap<>(e.metadata()).forEach((k, v) -> {
            if (meta.length() > 0) {
                meta.append('&');
            }
            meta.append(encode(k)).append('=').append(encode(v));
        });
        return encode(name) + '\t' + encode(e.etag()) + '\t'
                + (e.lastModified() == null ? "-" : Long.toString(e.lastModified().getEpochSecond())) + '\t'
                + e.size() + '\t' + meta + '\n';
    }

    private static void parse(String line, Map<String, Entry> into) {
        String[] f = line.split("\t", -1);
        if (f.length != 5) {
            return;
        }
        try {
            Map<String, String> metadata = new HashMap<>();
            if (!f[4].isEmpty()) {
                for (String pair : f[4].split("&")) {
                    int eq = pair.indexOf('=');
                    metadata.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                }
            }
            Instant lastModified = f[2].equals("-") ? null : Instant.ofEpochSecond(Long.parseLong(f[2]));
            into.put(decode(f[0]), new Entry(decode(f[1]), lastModified, Long.parseLong(f[3]), Map.copyOf(metadata)));
        } catch (RuntimeException e) {
            // a damaged line: skipped, the object is asked again
        }
    }

    private Path fileOf(String bucket, String prefix) {
        String hash = sha1(bucket + "\n" + prefix);
        return root.resolve(hash.substring(0, 2)).resolve(hash + ".log");
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
