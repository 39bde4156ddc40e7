package io.localstackmount.app;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code localstackmount status [DIR]}: the running mounts of this user, from their runtime records
 * ({@link MountRecords}), with the live counts each mount keeps there. Exit code 0 when at least one
 * mount is listed, 1 when none runs (or none at DIR), like {@code pgrep}, so scripts can ask.
 */
final class StatusCommand {
    private StatusCommand() {
    }

    static int run(MountRecords records, Path only, PrintStream out) {
        List<MountRecords.Record> running = records.running().stream()
                .filter(r -> only == null || r.mountPoint().equals(only)).toList();
        if (running.isEmpty()) {
            out.println(only == null ? "no mounts running (records in " + records.folder() + ")"
                    : "no mount running at " + only);
            return 1;
        }
        for (MountRecords.Record r : running) {
            out.println(describe(r));
        }
        return 0;
    }

    static String describe(MountRecords.Record r) {
        StringBuilder b = new StringBuilder();
        b.append(r.mountPoint()).append('\n');
        line(b, "pid", r.pid() + since(r.get("started")));
        line(b, "endpoint", r.get("endpoint") + (r.get("scope") != null ? ", " + r.get("scope") : ""));
        if (r.get("embedded-data") != null) {
            line(b, "embedded", "built-in S3 server, buckets in " + r.get("embedded-data"));
        }
        line(b, "log", r.get("log-file") != null ? r.get("log-file") : "the terminal it was started from");
        String byKind = r.values().stringPropertyNames().stream().filter(k -> k.startsWith("requests."))
                .sorted().map(k -> k.substring("requests.".length()) + " " + r.get(k)).collect(Collectors.joining(", "));
        line(b, "requests", value(r, "requests") + (byKind.isEmpty() ? "" : " (" + byKind + ")") + ", "
                + value(r, "not-modified") + " answered 304, " + bytes(number(r, "bytes-read")) + " read");
        if (r.get("cache.hits") != null) {
            long hits = number(r, "cache.hits");
            long misses = number(r, "cache.misses");
            String rate = hits + misses == 0 ? "no reads yet"
                    : String.format(Locale.ROOT, "%.0f%% hits (%d of %d blocks)", 100.0 * hits / (hits + misses), hits, hits + misses);
            line(b, "cache", rate + ", " + value(r, "cache.blocks") + " blocks, " + bytes(number(r, "cache.bytes")) + " kept");
        }
        long uploads = number(r, "uploads");
        line(b, "uploads", uploads == 0 ? "none in flight" : uploads + " in flight");
        for (int i = 1; i <= uploads; i++) {
            String u = r.get("upload." + i);
            if (u == null) {
                continue;
            }
            String[] f = u.split(" ");
            if (f.length == 4) {
                b.append("    ").append(f[0]).append(": ").append(progress(Long.parseLong(f[1]), Long.parseLong(f[2])))
                        .append(since(f[3])).append('\n');
            }
        }
        return b.toString();
    }

    /** {@code 24 MiB of 100 MiB (24%)}, or {@code 24 MiB sent} while the size is unknown. */
    static String progress(long sent, long total) {
        if (total < 0) {
            return bytes(sent) + " sent, file still being written";
        }
        return bytes(sent) + " of " + bytes(total) + (total > 0 ? " (" + (100 * sent / total) + "%)" : "");
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    private static String since(String instant) {
        if (instant == null) {
            return "";
        }
        try {
            Duration d = Duration.between(Instant.parse(instant), Instant.now());
            return ", for " + (d.toHours() > 0 ? d.toHours() + " h " + d.toMinutesPart() + " min"
                    : d.toMinutes() > 0 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : d.toSeconds() + " s");
        } catch (DateTimeParseException e) {
            return "";
        }
    }

    private static void line(StringBuilder b, String label, String value) {
        b.append(String.format(Locale.ROOT, "  %-9s %s%n", label, value));
    }

    private static String value(MountRecords.Record r, String key) {
        String v = r.get(key);
        return v == null ? "0" : v;
    }

    private static long number(MountRecords.Record r, String key) {
        try {
            return Long.parseLong(value(r, key));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
