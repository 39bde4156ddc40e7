package io.localstackmount.s3;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The uploads one store has running, with the bytes each has sent so far, for {@code status} and
 * the progress log of a long upload (a {@code cp} of a big file blocks in close() meanwhile, and
 * nothing else shows why). A part counts once it is stored; a single PutObject counts when done.
 */
public final class UploadsInFlight {

    /**
     * One upload as {@code status} shows it.
     *
     * @param bucket  the bucket
     * @param key     the object's key
     * @param sent    bytes stored so far (whole parts)
     * @param total   the object's size, or -1 while a file is still being written (a streamed upload)
     * @param started when it began
     */
    public record Progress(String bucket, String key, long sent, long total, Instant started) {
    }

    private record Entry(String bucket, String key, AtomicLong sent, AtomicLong total, Instant started) {
        Progress snapshot() {
            return new Progress(bucket, key, sent.get(), total.get(), started);
        }
    }

    UploadsInFlight() {
    }

    private final Map<String, Entry> running = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** Registers an upload; {@code id} is the multipart upload id, or null for a single request (an id is made). */
    String begin(String id, String bucket, String key, long total) {
        String name = id != null ? id : "put-" + ids.incrementAndGet();
        running.put(name, new Entry(bucket, key, new AtomicLong(), new AtomicLong(total), Instant.now()));
        return name;
    }

    void total(String id, long total) {
        Entry e = running.get(id);
        if (e != null) {
            e.total().set(total);
        }
    }

    void sent(String id, long bytes) {
        Entry e = running.get(id);
        if (e != null) {
            e.sent().addAndGet(bytes);
        }
    }

    void end(String id) {
        running.remove(id);
    }

    List<Progress> snapshot() {
        return running.values().stream().map(Entry::snapshot).sorted(Comparator.comparing(Progress::started)).toList();
    }
}
