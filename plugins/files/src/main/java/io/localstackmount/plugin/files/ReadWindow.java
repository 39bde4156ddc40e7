package io.localstackmount.plugin.files;

import io.localstackmount.api.FsPath;
import io.localstackmount.api.ObjectStore;

/**
 * Ranged reads of a stored object with a read-ahead window: sequential reads double the next
 * fetch up to {@link #MAX_FETCH}, so {@code cat} of a large file costs a few large GETs, while a
 * random read fetches little more than it asked for. Not thread-safe: its open file guards it.
 */
final class ReadWindow {
    /** First fetch and random reads: two kernel read requests, so a small file is one GET. */
    private static final int MIN_FETCH = 256 * 1024;
    /** Largest fetch; bounds the heap one open file uses for reading. */
    private static final int MAX_FETCH = 8 * 1024 * 1024;

    private final ObjectStore store;
    private byte[] data = new byte[0];
    private long start;
    private int length;
    private long nextSequential = -1;
    private int fetchSize = MIN_FETCH;

    ReadWindow(ObjectStore store) {
        this.store = store;
    }

    int read(FsPath path, long objectSize, byte[] dst, long offset, int wanted) {
        if (offset >= objectSize || wanted == 0) {
            return 0;
        }
        int want = (int) Math.min(wanted, objectSize - offset);
        if (offset < start || offset + want > start + length) {
            fetchSize = offset == nextSequential ? Math.min(MAX_FETCH, fetchSize * 2) : MIN_FETCH;
            int size = (int) Math.min(Math.max(fetchSize, want), objectSize - offset);
            if (data.length < size) {
                data = new byte[size];
            }
            length = store.read(path.bucket(), path.key(), offset, data, 0, size);
            start = offset;
            want = Math.min(want, length);
        }
        System.arraycopy(data, (int) (offset - start), dst, 0, want);
        nextSequential = offset + want;
        return want;
    }

    void clear() {
        data = new byte[0];
        length = 0;
    }
}
