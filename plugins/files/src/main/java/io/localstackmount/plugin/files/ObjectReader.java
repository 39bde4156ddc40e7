package io.localstackmount.plugin.files;

import io.localstackmount.api.CachePolicy;
import io.localstackmount.api.CachedVersion;
import io.localstackmount.api.ContentCache;
import io.localstackmount.api.Errno;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.GetResult;
import io.localstackmount.api.Node;
import io.localstackmount.api.ObjectSource;
import io.localstackmount.api.Precondition;
import io.localstackmount.api.Revalidation;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>With a content cache (the cache policy has one), {@link #open} pins the handle to one version
 * of the object, close-to-open: one GET of the first block, carrying the policy's condition when
 * that block of the known version is cached. A 304 (no body) means every cached block of it is
 * current; otherwise the answer is the current version's first block, which is cached. From then on
 * windows and chunks are whole blocks: cached blocks are read from the cache, each run of missing
 * ones is one GET whose ETag must be the pinned one (else EIO: the object changed while open), and
 * is cached as it arrives. A large object is read like this block by block, so {@code head -c 4096}
 * of 1 GiB costs one block. Without a content cache every window is a plain ranged GET, as before.
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

    private final ObjectSource store;
    private final ExecutorService executor;
    private byte[] window = new byte[0];
    private long windowStart;
    private int windowLength;
    private long nextSequential = -1;
    private int streak;
    private final TreeMap<Long, CompletableFuture<byte[]>> chunks = new TreeMap<>();
    /** The version this handle reads through the content cache, or null (no cache, or none pinned). */
    private Pinned pinned;
    /** Smallest window and prefetch unit; whole blocks while a version is pinned. */
    private int minFetch = MIN_FETCH;
    private int chunk = CHUNK;

    /** The version a handle reads through the cache: immutable, so prefetch threads share it. */
    private record Pinned(FsPath path, CachedVersion version, ContentCache cache) {
    }

    ObjectReader(ObjectSource store, ExecutorService executor) {
        this.store = store;
        this.executor = executor;
    }

    /**
     * Close-to-open for a handle that will read {@code node} at {@code path}: when the cache policy
     * keeps content, one GET of the first block pins the handle to the version S3 has now (see the
     * class comment) and tells the namespace when that is newer than {@code node}. Returns the node
     * the handle reads: {@code node}, or the newer version. Without a content cache, or for an empty
     * or unsaved file, it sends nothing. ENOENT when the object is gone.
     */
    Node open(FsContext ctx, FsPath path, Node node) {
        Optional<CachePolicy> policy = ctx.cachePolicy();
        Optional<ContentCache> cache = policy.flatMap(CachePolicy::contentCache);
        if (cache.isEmpty() || node.etag() == null || node.size() == 0 || !path.isObject()) {
            return node;
        }
        ContentCache c = cache.get();
        int block = c.blockSize();
        Optional<CachedVersion> cached = c.find(path.bucket(), path.key(), node.etag());
        Revalidation how = cached.map(policy.get()::revalidation).orElse(Revalidation.ask(Precondition.NONE));
        Node current = node;
        CachedVersion version;
        if (!how.ask()) {
            version = cached.get(); // the policy trusts it: no request at all
        } else {
            // No more than the file: a 1 MiB array per open of a small file made the collector run all the time.
            int firstLength = (int) Math.min(block, node.size());
            byte[] first = new byte[firstLength];
            // Core sees the answer too: a newer version, or none at all, shows in the namespace at once.
            GetResult answer = store.get(path.bucket(), path.key(), how.condition(), 0, first, 0, firstLength);
            Instant now = ctx.clock().instant();
            if (!answer.modified()) {
                version = cached.get().checkedAt(now);
                c.checked(path.bucket(), path.key(), version.etag(), now);
            } else {
                version = CachedVersion.of(path.bucket(), answer.object(), now);
                if (!version.etag().equals(node.etag()) || version.size() != node.size()) {
                    current = ctx.namespace().nodeOf(path, answer.object());
                }
                if (answer.length() == Math.min(block, version.size()) && answer.length() > 0) {
                    c.write(version, 0, first, 0, answer.length());
                }
                window = first;
                windowStart = 0;
                windowLength = answer.length();
            }
        }
        pinned = new Pinned(path, version, c);
        minFetch = block;
        chunk = Math.max(block, CHUNK / block * block);
        return current;
    }

    int read(FsPath path, long objectSize, byte[] dst, long offset, int wanted) {
        if (offset >= objectSize || wanted == 0) {
            return 0;
        }
        if (pinned != null && !pinned.path().equals(path)) {
            // Renamed while open: the pinned key may be gone; read the new path as it is now.
            pinned = null;
            minFetch = MIN_FETCH;
            chunk = CHUNK;
            clearChunks();
            windowLength = 0;
        }
        int want = (int) Math.min(wanted, objectSize - offset);
        boolean sequential = nextSequential >= 0 && Math.abs(offset - nextSequential) <= NEAR;
        streak = sequential ? streak + 1 : 0;
        int n;
        if (chunks.containsKey(offset / chunk)) {
            n = readChunks(path, objectSize, dst, offset, want);
        } else if (offset >= windowStart && offset + want <= windowStart + windowLength) {
            System.arraycopy(window, (int) (offset - windowStart), dst, 0, want);
            n = want;
        } else if (streak >= STREAK_FOR_PREFETCH && objectSize - offset > chunk) {
            n = readChunks(path, objectSize, dst, offset, want);
        } else {
            clearChunks();
            // Whole blocks while pinned, so that every fetch can be cached (minFetch is then 1).
            long start = pinned == null ? offset : offset - offset % minFetch;
            long size = sequential ? Math.min(chunk, Math.max(minFetch, windowLength * 2L)) : minFetch;
            size = Math.max(size, offset - start + want);
            if (pinned != null) {
                size = (size + minFetch - 1) / minFetch * minFetch;
            }
            size = Math.min(size, objectSize - start);
            if (window.length < size) {
                window = new byte[(int) size];
            }
            windowLength = fetch(path, start, window, (int) size, false);
            windowStart = start;
            n = (int) Math.max(0, Math.min(want, windowStart + windowLength - offset));
            if (n > 0) {
                System.arraycopy(window, (int) (offset - start), dst, 0, n);
            }
        }
        nextSequential = sequential ? Math.max(nextSequential, offset + n) : offset + n;
        return n;
    }

    private int readChunks(FsPath path, long objectSize, byte[] dst, long offset, int want) {
        long first = offset / chunk;
        // Keep the chunk before this one: reads that arrive late still find it.
        chunks.headMap(first - 1).clear();
        for (long i = first; i <= first + AHEAD && i * chunk < objectSize; i++) {
            long index = i;
            chunks.computeIfAbsent(index, k -> CompletableFuture.supplyAsync(() -> fetchChunk(path, objectSize, index), executor));
        }
        int copied = 0;
        long pos = offset;
        while (copied < want) {
            CompletableFuture<byte[]> future = chunks.get(pos / chunk);
            if (future == null) {
                break;
            }
            byte[] data = join(future);
            int from = (int) (pos - (pos / chunk) * chunk);
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

    private byte[] fetchChunk(FsPath path, long objectSize, long index) {
        long start = index * chunk;
        int size = (int) Math.min(chunk, objectSize - start);
        byte[] data = new byte[size];
        // A chunk's array is never written again: its blocks can be cached after the reader has it.
        int n = fetch(path, start, data, size, true);
        if (n < size) {
            throw new FsException(Errno.EIO, path + " is shorter than its listed size " + objectSize
                    + ": it changed while being read; open it again");
        }
        return data;
    }

    /**
     * {@code size} bytes from {@code start}: through the content cache while pinned, else one ranged
     * GET. With {@code cacheLater} the fetched blocks are stored by another thread after this returns
     * (the caller must not change {@code dst}), so that storing them does not delay the reader.
     */
    private int fetch(FsPath path, long start, byte[] dst, int size, boolean cacheLater) {
        Pinned p = pinned;
        return p == null ? store.read(path.bucket(), path.key(), start, dst, 0, size) : fetchBlocks(p, start, dst, size, cacheLater);
    }

    /**
     * Whole blocks from {@code start} (a block boundary): cached ones from the cache, each run of
     * missing ones with one GET that must still be the pinned version, then cached. Thread-safe:
     * prefetch threads run it in parallel.
     */
    private int fetchBlocks(Pinned p, long start, byte[] dst, int size, boolean cacheLater) {
        CachedVersion v = p.version();
        int block = p.cache().blockSize();
        long end = Math.min(start + size, v.size());
        int filled = 0;
        long runStart = -1;
        for (long pos = start; pos < end; pos += block) {
            int length = (int) Math.min(block, v.size() - pos);
            int n = p.cache().read(v.bucket(), v.key(), v.etag(), pos / block, dst, (int) (pos - start));
            if (n == length) {
                if (runStart >= 0) {
                    fetchRun(p, runStart, pos, dst, start, cacheLater);
                    runStart = -1;
                }
            } else if (runStart < 0) {
                runStart = pos;
            }
            filled = (int) (pos - start) + length;
        }
        if (runStart >= 0) {
            fetchRun(p, runStart, end, dst, start, cacheLater);
        }
        return filled;
    }

    /** One GET of the blocks in {@code [from, to)} into {@code dst} (which starts at {@code base}), then caches them. */
    private void fetchRun(Pinned p, long from, long to, byte[] dst, long base, boolean cacheLater) {
        CachedVersion v = p.version();
        int length = (int) (to - from);
        int at = (int) (from - base);
        GetResult r = store.get(v.bucket(), v.key(), Precondition.NONE, from, dst, at, length);
        if (!v.etag().equals(r.object().etag())) {
            throw new FsException(Errno.EIO, p.path() + " changed in S3 while it was open (ETag " + v.etag() + ", now "
                    + r.object().etag() + "): open it again to read the new content");
        }
        if (r.length() < length) {
            throw new FsException(Errno.EIO, p.path() + " is shorter than its listed size " + v.size()
                    + ": it changed while being read; open it again");
        }
        Runnable keep = () -> {
            int block = p.cache().blockSize();
            for (long pos = from; pos < to; pos += block) {
                p.cache().write(v, pos / block, dst, (int) (pos - base), (int) Math.min(block, to - pos));
            }
        };
        if (cacheLater) {
            executor.execute(keep);
        } else {
            keep.run();
        }
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
