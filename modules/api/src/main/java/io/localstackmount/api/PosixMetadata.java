package io.localstackmount.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * POSIX attributes in object user metadata, in s3fs's format so objects move between the two
 * tools with their attributes: {@code x-amz-meta-mode} (decimal st_mode with type bits),
 * {@code -uid}, {@code -gid} and {@code -mtime} (decimal seconds since the epoch).
 */
public final class PosixMetadata {
    public static final String MODE = "mode";
    public static final String UID = "uid";
    public static final String GID = "gid";
    public static final String MTIME = "mtime";

    public static final int S_IFMT = 0170000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFLNK = 0120000;

    private PosixMetadata() {
    }

    /** The st_mode stored in {@code metadata}, or -1 when absent or unreadable. */
    public static int mode(Map<String, String> metadata) {
        return intValue(metadata, MODE);
    }

    public static int uid(Map<String, String> metadata) {
        return intValue(metadata, UID);
    }

    public static int gid(Map<String, String> metadata) {
        return intValue(metadata, GID);
    }

    /** The stored mtime, or null when absent or unreadable. */
    public static Instant mtime(Map<String, String> metadata) {
        String v = metadata == null ? null : metadata.get(MTIME);
        if (v == null) {
            return null;
        }
        try {
            BigDecimal seconds = new BigDecimal(v.trim());
            long whole = seconds.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
            long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
            return Instant.ofEpochSecond(whole, nanos);
        } catch (NumberFormatException | ArithmeticException | java.time.DateTimeException e) {
            return null;
        }
    }

    /** The node type a stored mode says, or {@code fallback} when there is none. */
    public static NodeType type(Map<String, String> metadata, NodeType fallback) {
        int mode = mode(metadata);
        if (mode < 0) {
            return fallback;
        }
        return switch (mode & S_IFMT) {
            case S_IFLNK -> NodeType.SYMLINK;
            case S_IFDIR -> NodeType.DIRECTORY;
            default -> fallback;
        };
    }

    /** Metadata for a node, merged over {@code base} (other user metadata is kept). */
    public static Map<String, String> of(Map<String, String> base, NodeType type, int permissions, int uid, int gid, Instant mtime) {
        Map<String, String> m = new HashMap<>(base == null ? Map.of() : base);
        int typeBits = switch (type) {
            case FILE -> S_IFREG;
            case DIRECTORY -> S_IFDIR;
            case SYMLINK -> S_IFLNK;
        };
        m.put(MODE, Integer.toString(typeBits | (permissions & 07777)));
        m.put(UID, Integer.toString(uid));
        m.put(GID, Integer.toString(gid));
        m.put(MTIME, formatSeconds(mtime));
        return m;
    }

    static String formatSeconds(Instant t) {
        if (t.getNano() == 0) {
            return Long.toString(t.getEpochSecond());
        }
        return BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9)).stripTrailingZeros().toPlainString();
    }

    private static int intValue(Map<String, String> metadata, String key) {
        String v = metadata == null ? null : metadata.get(key);
        if (v == null) {
            return -1;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
