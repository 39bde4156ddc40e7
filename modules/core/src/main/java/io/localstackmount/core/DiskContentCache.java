package io.localstackmount.core;

import io.localstackmount.api.CachedVersion;
import io.localstackmount.api.ContentCache;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content cache on local disk: one file per block under a cache folder, an LRU index over them
 * weighed in bytes, so the folder never holds more than its size limit. The cache policy decides
 * whether and how it is used; the files plugin reads and fills it.
 *
 * <pre>
 *   root/lock                   held while a mount uses this folder
 *   root/blocks/3f/3f9a...e1.&lt;random&gt;.blk   one block: header, data, CRC-32C of both
 *   root/tmp/                   blocks being written; moved into blocks/ when complete
 *   root/mount-&lt;pid&gt;/         a private cache of a second mount that found the folder in use
 * </pre>
 *
 * <p>A block file is {@code "LSMC"}, a format number, the header (bucket, key, ETag, block number,
 * Last-Modified, object size), the data length, the data, and a CRC-32C over everything before it.
 * A read checks the header against the block asked for, the file's length against the header, and
 * the checksum against the data: anything else is treated as absent and the block is dropped, so the
 * caller fetches it again. Names are a hash of the identity plus a random suffix, so that a block
 * rewritten while an old copy is being evicted never loses the new file.
 *
 * <p>Eviction: least recently used first, by the bytes of the files. Not Caffeine: its W-TinyLFU
 * admission turns away a block just written when older blocks were read more often, so a file read
 * twice in a row could miss the second time; a cache of files must keep what was just read. Evicted
 * files are deleted before {@link #write} returns. A hit touches the file's mtime, and at start the
 * folder is scanned and indexed by mtime, so recency and the blocks themselves survive a restart;
 * partial writes and files that do not parse are deleted.
 *
 * <p>Thread-safety: {@code lock} guards the index and its byte count and is held for map operations
 * only, never for disk I/O. A block file is immutable once moved into place; readers of a file
 * deleted under them (evicted, replaced) simply miss.
 */
public final class DiskContentCache implements ContentCache, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiskContentCache.class);
    private static final int MAGIC = 0x4c534d43; // "LSMC"
    private static final int FORMAT = 1;
    /** Longest header accepted: bucket (63) + key (1024 bytes) + ETag + numbers, with room to spare. */
    private static final int MAX_HEADER = 8192;
    private static final String SUFFIX = ".blk";

    private final Path root;
    private final Path blocks;
    private final Path tmp;
    private final int blockSize;
    private final long maxBytes;
    private final FileChannel lockChannel;
    private final FileLock folderLock;
    /** Non-null for the private folder of a second mount: deleted at close. */
    private final Path privateDir;
    /** Guards {@link #index} and {@link #bytes}; never held during disk I/O. */
    private final Object lock = new Object();
    /** In access order: the eldest entry is the least recently used. */
    private final LinkedHashMap<BlockId, Entry> index = new LinkedHashMap<>(1024, 0.75f, true);
    /**
     * When S3 last confirmed a version current, by its first block (this mount only): what a
     * time-based policy decides by. Dropped with the first block.
     */
    private final Map<BlockId, Instant> checked = new java.util.concurrent.ConcurrentHashMap<>();
    private long bytes;
    private final WarnOnce warnings = new WarnOnce(LOG);
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder damaged = new LongAdder();

    /** The identity of one block. */
    record BlockId(String bucket, String key, String etag, long index) {
        String hash() {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update((bucket + "\n" + key + "\n" + etag + "\n" + index).getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(sha.digest(), 0, 20);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        }
    }

    /** One indexed block file. */
    record Entry(Path file, int bytes, Instant lastModified, long objectSize) {
    }

    /** Counters since start, for {@code --debug} output and tests. */
    public record Stats(long hits, long misses, long writes, long evictions, long damaged, long entries, long bytes) {
        @Override
        public String toString() {
            return hits + " block hits, " + misses + " misses, " + writes + " written, " + evictions + " evicted, "
                    + damaged + " damaged; " + entries + " blocks (" + bytes + " bytes) cached";
        }
    }

    private DiskContentCache(Path root, long maxBytes, int blockSize, FileChannel lockChannel, FileLock lock, Path privateDir) {
        this.root = root;
        this.blocks = root.resolve("blocks");
        this.tmp = root.resolve("tmp");
        this.maxBytes = maxBytes;
        this.blockSize = blockSize;
        this.lockChannel = lockChannel;
        this.folderLock = lock;
        this.privateDir = privateDir;
    }

    /** The entry of a block, made the most recently used; null when absent. */
    private Entry lookup(BlockId id) {
        synchronized (lock) {
            return index.get(id);
        }
    }

    /** Indexes a block file, then deletes what it replaced and what no longer fits. */
    private void index(BlockId id, Entry entry) {
        List<Entry> dropped = new ArrayList<>();
        synchronized (lock) {
            if (entry.bytes() > maxBytes) {
                dropped.add(entry); // larger than the whole cache: would only flush everything else
            } else {
                Entry old = index.put(id, entry);
                bytes += entry.bytes();
                if (old != null) {
                    bytes -= old.bytes();
                    dropped.add(old);
                }
                for (Iterator<Map.Entry<BlockId, Entry>> it = index.entrySet().iterator(); bytes > maxBytes && it.hasNext(); ) {
                    Map.Entry<BlockId, Entry> eldest = it.next();
                    it.remove();
                    checked.remove(eldest.getKey());
                    bytes -= eldest.getValue().bytes();
                    dropped.add(eldest.getValue());
                    evictions.increment();
                }
            }
        }
        dropped.forEach(e -> deleteQuietly(e.file()));
    }

    /** Drops a block, unless it was replaced meanwhile (then the newer copy stays). */
    private void drop(BlockId id, Entry entry) {
        synchronized (lock) {
            if (index.get(id) == entry) {
                index.remove(id);
                bytes -= entry.bytes();
            }
        }
        deleteQuietly(entry.file());
    }

    /**
     * Opens (creating it if needed) the cache in {@code root} and indexes the blocks a previous mount
     * left there. When another mount holds the folder, this one gets a private folder inside it that
     * is deleted at close, and says so.
     *
     * @param maxBytes  upper bound of the block files' total size
     * @param blockSize bytes per block
     */
    public static DiskContentCache open(Path root, long maxBytes, int blockSize) {
        if (maxBytes <= 0 || blockSize <= 0) {
            throw new IllegalArgumentException("cache size " + maxBytes + " and block size " + blockSize + " must be positive");
        }
        try {
            Files.createDirectories(root);
            FileChannel channel = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock != null) {
                removeStalePrivateFolders(root);
                DiskContentCache cache = new DiskContentCache(root, maxBytes, blockSize, channel, lock, null);
                cache.scan();
                return cache;
            }
            channel.close();
            Path own = root.resolve("mount-" + ProcessHandle.current().pid() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            LOG.warn("the content cache {} is in use by another mount: this mount caches in {} until it ends", root, own);
            Files.createDirectories(own);
            FileChannel ownChannel = FileChannel.open(own.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            DiskContentCache cache = new DiskContentCache(own, maxBytes, blockSize, ownChannel, tryLock(ownChannel), own);
            cache.scan();
            return cache;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the content cache in " + root + ": " + e.getMessage(), e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this very process, e.g. a second mount in tests
        }
    }

    /** Private folders of mounts that ended without cleaning up (killed): nobody holds their lock. */
    private static void removeStalePrivateFolders(Path root) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "mount-*")) {
            for (Path dir : dirs) {
                Path lockFile = dir.resolve("lock");
                boolean stale;
                try (FileChannel c = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    FileLock l = tryLock(c);
                    stale = l != null;
                    if (l != null) {
                        l.release();
                    }
                }
                if (stale) {
                    deleteTree(dir);
                }
            }
        }
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    public Path root() {
        return root;
    }

    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public Optional<CachedVersion> find(String bucket, String key, String etag) {
        BlockId id = new BlockId(bucket, key, etag, 0);
        Entry first = lookup(id);
        return first == null ? Optional.empty()
                : Optional.of(new CachedVersion(bucket, key, etag, first.lastModified(), first.objectSize(), checked.get(id)));
    }

    @Override
    public void checked(String bucket, String key, String etag, Instant when) {
        BlockId id = new BlockId(bucket, key, etag, 0);
        if (lookup(id) != null) {
            checked.put(id, when);
        }
    }

    @Override
    public int read(String bucket, String key, String etag, long blockIndex, byte[] dst, int dstOffset) {
        BlockId id = new BlockId(bucket, key, etag, blockIndex);
        Entry entry = lookup(id);
        if (entry == null) {
            misses.increment();
            return -1;
        }
        try (FileChannel channel = FileChannel.open(entry.file(), StandardOpenOption.READ)) {
            int n = readBlock(channel, id, dst, dstOffset);
            if (n >= 0) {
                hits.increment();
                touch(entry.file());
                return n;
            }
            LOG.debug("cached block {} of s3://{}/{} ({}) is damaged: dropped, it is fetched again", blockIndex, bucket, key, entry.file());
        } catch (NoSuchFileException e) {
            LOG.debug("cached block {} of s3://{}/{} is gone from disk ({}): fetched again", blockIndex, bucket, key, entry.file());
        } catch (IOException e) {
            warnings.warn("read", "reading the content cache in " + root + " failed (" + e + "): such blocks are fetched from S3");
        }
        damaged.increment();
        misses.increment();
        // Only this entry: a writer may have replaced it with a good copy meanwhile.
        drop(id, entry);
        return -1;
    }

    /** Records the use in the file's mtime, which orders the index after a restart. Best effort. */
    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException ignored) {
            // evicted meanwhile, or a read-only folder: recency after a restart is only a hint
        }
    }

    /** The block's length after all checks, or -1 when the file is not exactly this block. */
    private int readBlock(FileChannel channel, BlockId id, byte[] dst, int dstOffset) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 12) {
            return -1;
        }
        ByteBuffer start = ByteBuffer.allocate(12);
        readFully(channel, start, 0);
        int magic = start.getInt(0);
        int format = start.getInt(4);
        int headerLength = start.getInt(8);
        if (magic != MAGIC || format != FORMAT || headerLength < 0 || headerLength > MAX_HEADER || fileSize < 12L + headerLength + 8) {
            return -1;
        }
        ByteBuffer header = ByteBuffer.allocate(headerLength + 4);
        readFully(channel, header, 12);
        Header h = Header.parse(header.array(), headerLength);
        if (h == null || !h.id().equals(id)) {
            return -1;
        }
        int dataLength = header.getInt(headerLength);
        if (dataLength != expectedLength(h) || dstOffset + dataLength > dst.length
                || fileSize != 12L + headerLength + 4 + dataLength + 4) {
            return -1;
        }
        ByteBuffer data = ByteBuffer.wrap(dst, dstOffset, dataLength);
        readFully(channel, data, 12L + headerLength + 4);
        ByteBuffer footer = ByteBuffer.allocate(4);
        readFully(channel, footer, fileSize - 4);
        CRC32C crc = new CRC32C();
        crc.update(start.array());
        crc.update(header.array());
        crc.update(dst, dstOffset, dataLength);
        return (int) crc.getValue() == footer.getInt(0) ? dataLength : -1;
    }

    @Override
    public void write(CachedVersion version, long blockIndex, byte[] data, int offset, int length) {
        if (length > blockSize || length < 0) {
            throw new IllegalArgumentException("a block of " + length + " bytes in a cache of " + blockSize + "-byte blocks");
        }
        BlockId id = new BlockId(version.bucket(), version.key(), version.etag(), blockIndex);
        if (length != expectedLength(new Header(id, version.lastModified(), version.size()))) {
            throw new IllegalArgumentException("block " + blockIndex + " of a " + version.size() + "-byte object cannot be "
                    + length + " bytes long with " + blockSize + "-byte blocks");
        }
        String hash = id.hash();
        Path temp = null;
        try {
            byte[] header = new Header(id, version.lastModified(), version.size()).bytes();
            ByteBuffer start = ByteBuffer.allocate(12).putInt(MAGIC).putInt(FORMAT).putInt(header.length);
            ByteBuffer dataLength = ByteBuffer.allocate(4).putInt(length);
            CRC32C crc = new CRC32C();
            crc.update(start.array());
            crc.update(header);
            crc.update(dataLength.array());
            crc.update(data, offset, length);
            ByteBuffer footer = ByteBuffer.allocate(4).putInt((int) crc.getValue());
            Files.createDirectories(tmp);
            temp = Files.createTempFile(tmp, hash, ".tmp");
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer[] parts = {start.flip(), ByteBuffer.wrap(header), dataLength.flip(), ByteBuffer.wrap(data, offset, length), footer.flip()};
                long total = 12L + header.length + 4 + length + 4;
                long written = 0;
                while (written < total) {
                    written += out.write(parts);
                }
            }
            Path dir = blocks.resolve(hash.substring(0, 2));
            Files.createDirectories(dir);
            Path file = dir.resolve(hash + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + SUFFIX);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            writes.increment();
            if (blockIndex == 0 && version.checkedAt() != null) {
                checked.put(id, version.checkedAt());
            }
            index(id, new Entry(file, 12 + header.length + 8 + length, version.lastModified(), version.size()));
        } catch (java.nio.channels.ClosedByInterruptException e) {
            LOG.debug("storing block {} of s3://{}/{} was interrupted (unmount)", blockIndex, version.bucket(), version.key());
        } catch (IOException | UncheckedIOException e) {
            warnings.warn("write", "writing the content cache in " + root + " failed (" + e
                    + "): reads go on from S3, without caching what fails to be stored");
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
    }

    /** Counters and current size. */
    public Stats stats() {
        synchronized (lock) {
            return new Stats(hits.sum(), misses.sum(), writes.sum(), evictions.sum(), damaged.sum(), index.size(), bytes);
        }
    }

    /** Indexes complete blocks left by a previous mount, oldest first; deletes what cannot be used. */
    private void scan() throws IOException {
        if (Files.isDirectory(tmp)) {
            deleteTree(tmp);
        }
        if (!Files.isDirectory(blocks)) {
            return;
        }
        record Found(BlockId id, Entry entry, FileTime modified) {
        }
        List<Found> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(blocks)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList();
        }
        int dropped = 0;
        for (Path file : files) {
            Found f = null;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                Header h = readHeaderOnly(channel);
                if (h != null) {
                    f = new Found(h.id(), new Entry(file, (int) channel.size(), h.lastModified(), h.objectSize()),
                            Files.getLastModifiedTime(file));
                }
            } catch (IOException e) {
                LOG.debug("cannot read cached block {}: {}", file, e.toString());
            }
            if (f == null) {
                deleteQuietly(file);
                dropped++;
            } else {
                found.add(f);
            }
        }
        found.sort(Comparator.comparing(Found::modified));
        Map<BlockId, Entry> seen = new HashMap<>();
        for (Found f : found) {
            Entry older = seen.put(f.id(), f.entry());
            if (older != null) {
                deleteQuietly(older.file()); // two copies of one block (a crash between write and eviction): keep the newer
            }
        }
        for (Found f : found) {
            if (seen.get(f.id()) == f.entry()) {
                index(f.id(), f.entry()); // oldest first: the eldest in the LRU order
            }
        }
        LOG.debug("content cache {}: {} blocks kept from earlier mounts, {} unusable files removed", root, stats().entries(), dropped);
    }

    /**
     * The length block {@code h.id().index()} of an object of {@code h.objectSize()} bytes has with
     * this cache's block size: a block written under another block size (config changed) covers
     * another range of the object and must not be used.
     */
    private long expectedLength(Header h) {
        long start = h.id().index() * blockSize;
        return h.id().index() < 0 || start >= h.objectSize() ? -1 : Math.min(blockSize, h.objectSize() - start);
    }

    /** The header of a block file whose lengths match it, or null; the data is checked when read. */
    private Header readHeaderOnly(FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 12) {
            return null;
        }
        ByteBuffer start = ByteBuffer.allocate(12);
        readFully(channel, start, 0);
        int headerLength = start.getInt(8);
        if (start.getInt(0) != MAGIC || start.getInt(4) != FORMAT || headerLength < 0 || headerLength > MAX_HEADER
                || fileSize < 12L + headerLength + 8) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(headerLength + 4);
        readFully(channel, header, 12);
        int dataLength = header.getInt(headerLength);
        Header h = Header.parse(header.array(), headerLength);
        if (h == null || dataLength != expectedLength(h) || fileSize != 12L + headerLength + 4 + dataLength + 4) {
            return null;
        }
        return h;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long pos = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    /** The identity and version facts stored in front of a block's data. */
    private record Header(BlockId id, Instant lastModified, long objectSize) {
        byte[] bytes() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
            try (DataOutputStream out = new DataOutputStream(buf)) {
                out.writeUTF(id.bucket());
                out.writeUTF(id.key());
                out.writeUTF(id.etag());
                out.writeLong(id.index());
                out.writeBoolean(lastModified != null);
                out.writeLong(lastModified == null ? 0 : lastModified.getEpochSecond());
                out.writeInt(lastModified == null ? 0 : lastModified.getNano());
                out.writeLong(objectSize);
            }
            return buf.toByteArray();
        }

        static Header parse(byte[] bytes, int length) {
            try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 0, length))) {
                BlockId id = new BlockId(in.readUTF(), in.readUTF(), in.readUTF(), in.readLong());
                boolean hasTime = in.readBoolean();
                long seconds = in.readLong();
                int nanos = in.readInt();
                long size = in.readLong();
                return new Header(id, hasTime ? Instant.ofEpochSecond(seconds, nanos) : null, size);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", file, e.toString());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(DiskContentCache::deleteQuietly);
        }
    }

    /** Releases the folder for the next mount; a private folder is deleted. The blocks stay. */
    @Override
    public void close() {
        try {
            if (folderLock != null) {
                folderLock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            LOG.debug("releasing the content cache lock failed", e);
        }
        if (privateDir != null) {
            synchronized (lock) {
                index.clear();
                bytes = 0;
            }
            try {
                deleteTree(privateDir);
            } catch (IOException e) {
                LOG.warn("could not remove the private content cache {}: {}", privateDir, e.toString());
            }
        }
    }
}
