package io.localstackmount.plugin.files;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.ObjectStore;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * Ranged reads of one stored object for one open file. A random read fetches a small window
 * around what was asked ({@link #MIN_FETCH}); each sequential read doubles the window, and once a
 * reader has been sequential for a while it switches to aligned {@link #CHUNK}-sized GETs, up to
 * {@link #AHEAD} of them in flight in parallel ahead of the reader. Heap per reader is bounded by
 * {@code (AHEAD + 1) * CHUNK}. Not thread-safe: its open file's lock guards it.
 */
final class ObjectReader {
    /** Random reads and the first read: small enough to be cheap, big enough for a small file in one GET. */
    static final int MIN_FETCH = 256 * 1024;
    /** Size of a prefetched GET: large enough that request overhead is small, small enough to start fast. */
    static final int CHUNK = 8 * 1024 * 1024;
    /** Parallel GETs ahead of a sequential reader; four streams saturate a loopback or nearby S3. */
    static final int AHEAD = 3;
    /** Sequential reads before prefetching starts, so that a short read does not trigger large GETs. */
    private static final int STREAK_FOR_PREFETCH = 4;
    /**
     * How far a read may land from where the last one ended and still count as sequential: the
     * kernel sends its read-ahead requests in parallel, so they arrive slightly out of order.
     */
    private static final long NEAR = 2L * 1024 * 1024;

    private final ObjectStore store;
    private final ExecutorService executor;
    private byte[] window = new byte[0];
    private long windowStart;
    private int windowLength;
    private long nextSequential = -1;
    private int streak;
    private final TreeMap<Long, CompletableFuture<byte[]>> chunks = new TreeMap<>();

    ObjectReader(ObjectStore store, ExecutorService executor) {
        this.store = store;
        this.executor = executor;
    }

    int read(FsPath path, long objectSize, byte[] dst, long offset, int wanted) {
        if (offset >= objectSize || wanted == 0) {
            return 0;
        }
        int want = (int) Math.min(wanted, objectSize - offset);
        boolean sequential = nextSequential >= 0 && Math.abs(offset - nextSequential) <= NEAR;
        streak = sequential ? streak + 1 : 0;
        int n;
        if (chunks.containsKey(offset / CHUNK)) {
            n = readChunks(path, objectSize, dst, offset, want);
        } else if (offset >= windowStart && offset + want <= windowStart + windowLength) {
            System.arraycopy(window, (int) (offset - windowStart), dst, 0, want);
            n = want;
        } else if (streak >= STREAK_FOR_PREFETCH && objectSize - offset > CHUNK) {
            n = readChunks(path, objectSize, dst, offset, want);
        } else {
            clearChunks();
            int size = sequential ? Math.min(CHUNK, Math.max(MIN_FETCH, windowLength * 2)) : MIN_FETCH;
            size = (int) Math.min(Math.max(size, want), objectSize - offset);
            if (window.length < size) {
                window = new byte[size];
            }
            windowLength = store.read(path.bucket(), path.key(), offset, window, 0, size);
            windowStart = offset;
            n = Math.min(want, windowLength);
            System.arraycopy(window, 0, dst, 0, n);
        }
        nextSequential = sequential ? Math.max(nextSequential, offset + n) : offset + n;
        return n;
    }

    private int readChunks(FsPath path, long objectSize, byte[] dst, long offset, int want) {
        long first = offset / CHUNK;
        // Keep the chunk before this one: reads that arrive late still find it.
        chunks.headMap(first - 1).clear();
        for (long i = first; i <= first + AHEAD && i * CHUNK < objectSize; i++) {
            long index = i;
            chunks.computeIfAbsent(index, k -> CompletableFuture.supplyAsync(() -> fetch(path, objectSize, index), executor));
        }
        int copied = 0;
        long pos = offset;
        while (copied < want) {
            CompletableFuture<byte[]> future = chunks.get(pos / CHUNK);
            if (future == null) {
                break;
            }
            byte[] data = join(future);
            int from = (int) (pos - (pos / CHUNK) * CHUNK);
            int n = Math.min(want - copied, data.length - from);
            if (n <= 0) {
                break;
            }
            System.arraycopy(data, from, dst, copied, n);
            copied += n;
            pos += n;
        }
        return copied;
    }

    private byte[] fetch(FsPath path, long objectSize, long index) {
        long start = index * CHUNK;
        int size = (int) Math.min(CHUNK, objectSize - start);
        byte[] data = new byte[size];
        int n = store.read(path.bucket(), path.key(), start, data, 0, size);
        if (n < size) {
            throw new FsException(Errno.EIO, path + " is shorter than its listed size " + objectSize
                    + ": it changed while being read; open it again");
        }
        return data;
    }

    private static byte[] join(CompletableFuture<byte[]> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof FsException fs) {
                throw fs;
            }
            throw new FsException(Errno.EIO, "prefetch failed: " + e.getCause(), e.getCause());
        }
    }

    private void clearChunks() {
        for (Iterator<Map.Entry<Long, CompletableFuture<byte[]>>> it = chunks.entrySet().iterator(); it.hasNext(); ) {
            it.next().getValue().cancel(false);
            it.remove();
        }
    }

    void clear() {
        clearChunks();
        window = new byte[0];
        windowLength = 0;
        nextSequential = -1;
        streak = 0;
    }
}
