package io.localstackmount.plugin.files;

import java.util.BitSet;
import java.util.stream.IntStream;

/**
 * Which parts of a large stored object, edited in place, the staging file holds. Only the parts a
 * write touches are fetched (a part a write covers whole is not); the others stay in S3, where
 * reading fetches them too and saving copies them server-side (UploadPartCopy), so staging grows
 * with what the writes touched, not with the object.
 *
 * <p>Parts are {@code partSize} bytes from offset 0, the last one shorter. A part not held must be
 * copyable: all of its bytes in the file lie below {@link #baseLimit}, where the file still equals
 * the object it was opened from. Shrinking lowers that limit; before the file grows past it, the
 * part holding the limit is fetched ({@link #toFetchBeforeGrowing}), as bytes past the limit are no
 * longer the object's.
 */
final class LocalParts {
    /** Below this many parts an edit downloads the whole object: one GET is cheaper than bookkeeping. */
    static final int MIN_PARTS = 3;
    /** S3's limit on parts per upload. */
    static final int MAX_PARTS = 10_000;

    private final long partSize;
    private final BitSet held = new BitSet();
    private long baseLimit;

    LocalParts(long partSize, long baseSize) {
        this.partSize = partSize;
        this.baseLimit = baseSize;
    }

    /** True when an object of {@code size} is worth editing part by part. */
    static boolean worthIt(long size, long partSize) {
        long count = (size + partSize - 1) / partSize;
        return count >= MIN_PARTS && count <= MAX_PARTS;
    }

    long partSize() {
        return partSize;
    }

    /** Start of part {@code part}. */
    long start(int part) {
        return part * partSize;
    }

    /** How many bytes of part {@code part} come from the object: up to the part's end or the base limit. */
    long baseBytes(int part) {
        return Math.max(0, Math.min(start(part) + partSize, baseLimit) - start(part));
    }

    /** True when part {@code part} must come from the staging file (held, or past the base limit). */
    boolean isLocal(int part) {
        return held.get(part) || start(part) >= baseLimit;
    }

    /** Parts in {@code [from, to)} not held yet, which a read must fetch first. */
    int[] toFetchForRead(long from, long to) {
        return partsIn(from, to).filter(p -> !isLocal(p)).toArray();
    }

    /**
     * Parts a write of {@code [from, to)} must fetch first: those it changes only partly. Parts it
     * replaces whole count as held from now on.
     */
    int[] toFetchForWrite(long from, long to) {
        IntStream.Builder partial = IntStream.builder();
        for (int p : toFetchForRead(from, to)) {
            if (from <= start(p) && to >= start(p) + baseBytes(p)) {
                held.set(p);
            } else {
                partial.add(p);
            }
        }
        return partial.build().toArray();
    }

    /** The part to fetch before the file grows to {@code newSize}, or -1. */
    int toFetchBeforeGrowing(long newSize) {
        if (newSize <= baseLimit || baseLimit % partSize == 0) {
            return -1;
        }
        int part = (int) (baseLimit / partSize);
        return isLocal(part) ? -1 : part;
    }

    /** The file now has {@code newSize} bytes: past it, nothing is the object's any more. */
    void resized(long newSize) {
        baseLimit = Math.min(baseLimit, newSize);
    }

    void fetched(int part) {
        held.set(part);
    }

    /** Parts of a file of {@code size} still in S3 only. */
    int[] notHeld(long size) {
        return toFetchForRead(0, size);
    }

    private IntStream partsIn(long from, long to) {
        if (to <= from) {
            return IntStream.empty();
        }
        return IntStream.rangeClosed((int) (from / partSize), (int) ((to - 1) / partSize));
    }
}
