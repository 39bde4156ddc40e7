package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.app.it.MountFixture.Result;
import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3proxy.FaultProxy;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real mount whose store reaches S3Proxy through a {@link FaultProxy}: a stalled server turns
 * {@code ls} and {@code cat} into EIO within the deadlines while cached names still answer at once,
 * transient 503s at close are retried and the file is stored, a close that cannot upload fails, and
 * everything works again once the fault is lifted, without a remount.
 *
 * <p>Deadlines are short (each attempt 0.5 s, each call 1.5 s); metadata is cached for 10 minutes
 * (the kernel keeps it 1 s), so what was looked up before a fault is answered from the cache.
 *
 * <pre>
 *   faults/
 *     cached.txt          looked up before every test: its stat needs no S3 request
 *     old.txt             "old": a failed write must leave it so
 *     cat.txt             never looked up before the stall
 *     dir0/ .. dir7/      one object each, never listed before the stall
 * </pre>
 */
class FaultInjectionIT {
    private static final String BUCKET = "faults";
    private static final Duration CALL = Duration.ofMillis(1500);
    /** A FUSE operation may need two S3 calls (a lookup tries the key, then the prefix), plus the SDK's and our reaction time. */
    private static final Duration OPERATION_BOUND = CALL.multipliedBy(2).plusMillis(1500);
    private static final int STALLED_LISTINGS = 8;

    private static S3ProxyServer server;
    private static FaultProxy proxy;
    private static MountFixture fx;
    private static Path bucket;

    @TempDir
    Path local;

    @BeforeAll
    static void mount() {
        server = S3ProxyServer.builder().inMemory().start();
        proxy = FaultProxy.start(server.endpoint());
        S3ObjectStore store = S3ObjectStore.create(server.config().toBuilder().endpoint(proxy.endpoint())
                .attemptTimeout(Duration.ofMillis(500)).callTimeout(CALL).minThroughput(8L << 20).build());
        fx = MountFixture.start(server, store, b -> b.metadataTtl(Duration.ofMinutes(10)).negativeTtl(Duration.ofMinutes(10)), false);
        bucket = fx.bucket(BUCKET);
        fx.s3().put(BUCKET, "cached.txt", "cached".getBytes(UTF_8), Map.of(), "text/plain");
        fx.s3().put(BUCKET, "cat.txt", "cat me".getBytes(UTF_8), Map.of(), "text/plain");
        for (int i = 0; i < STALLED_LISTINGS; i++) {
            fx.s3().put(BUCKET, "dir" + i + "/a.txt", "a".getBytes(UTF_8), Map.of(), "text/plain");
        }
    }

    @AfterAll
    static void unmount() {
        fx.close();
        proxy.close();
    }

    @BeforeEach
    void seed() {
        fx.s3().put(BUCKET, "old.txt", "old".getBytes(UTF_8), Map.of(), "text/plain");
        assertEquals("6", MountFixture.run(bucket, "stat", "-c", "%s", "cached.txt").strip());
    }

    @AfterEach
    void lift() {
        proxy.pass();
    }

    private static String stored(String key) {
        return fx.s3().head(BUCKET, key).map(i -> {
            byte[] dst = new byte[(int) i.size()];
            int n = fx.s3().read(BUCKET, key, 0, dst, 0, dst.length);
            return new String(dst, 0, n, UTF_8);
        }).orElse(null);
    }

    private static byte[] storedBytes(String key, int size) {
        assertEquals(size, fx.s3().head(BUCKET, key).orElseThrow().size());
        byte[] dst = new byte[size];
        assertEquals(size, fx.s3().read(BUCKET, key, 0, dst, 0, size));
        return dst;
    }

    /** Runs {@code command} in the bucket; asserts it fails with EIO within the bound and answers its output. */
    private static Result eioWithinBound(String what, String... command) {
        long start = System.nanoTime();
        Result r = MountFixture.runAllowingFailure(bucket, command);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("FAULT mount " + what + ": exit " + r.exitCode() + " after " + took.toMillis() + " ms: " + r.output().strip());
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("Input/output error"), r.output());
        assertTrue(took.compareTo(OPERATION_BOUND) < 0, what + " took " + took);
        return r;
    }

    @Test
    @DisplayName("stalled server: ls of 8 unlisted folders is EIO within the bound while a cached stat answers at once; then ls works")
    void stalledListing() throws Exception {
        Thread.sleep(1100); // past the kernel's 1 s attribute cache: the stat below reaches the mount
        proxy.stall();
        List<CompletableFuture<Result>> listings = new ArrayList<>();
        for (int i = 0; i < STALLED_LISTINGS; i++) {
            String dir = "dir" + i;
            listings.add(CompletableFuture.supplyAsync(() -> eioWithinBound("stall ls " + dir, "ls", dir)));
        }
        Thread.sleep(300); // the listings now hold FUSE threads
        long start = System.nanoTime();
        assertEquals("6", MountFixture.run(bucket, "stat", "-c", "%s", "cached.txt").strip());
        long statMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("FAULT mount stall: cached stat answered in " + statMillis + " ms while " + STALLED_LISTINGS + " listings hung");
        // Far below the 1.5 s the stalled listings take, with room for a loaded machine to start a process.
        assertTrue(statMillis < 1000, "a cached stat took " + statMillis + " ms during the stall");
        for (CompletableFuture<Result> l : listings) {
            l.get(30, TimeUnit.SECONDS);
        }

        proxy.pass();
        assertEquals("a.txt", MountFixture.run(bucket, "ls", "dir0").strip(), "the same mount lists again after the stall");
    }

    @Test
    @DisplayName("stalled server: cat of a file not read before is EIO within the bound; then cat works")
    void stalledRead() {
        proxy.stall();
        eioWithinBound("stall cat", "cat", "cat.txt");
        proxy.pass();
        assertEquals("cat me", MountFixture.run(bucket, "cat", "cat.txt"));
    }

    @Test
    @DisplayName("transient 503s at close: the upload is retried and the file is stored byte for byte")
    void transientAtClose() throws IOException {
        byte[] data = new byte[3 << 20];
        new Random(1).nextBytes(data);
        long start;
        try (FileChannel channel = FileChannel.open(bucket.resolve("retried.bin"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(data));
            proxy.failNext(2, 503, "ServiceUnavailable");
            start = System.nanoTime();
        }
        System.out.println("FAULT mount 503 x2 at close: close succeeded after " + (System.nanoTime() - start) / 1_000_000
                + " ms, " + proxy.injected() + " faults injected so far");
        assertArrayEquals(data, storedBytes("retried.bin", data.length));
    }

    @Test
    @DisplayName("cp with a 503 and a reset among its requests succeeds and stores the file byte for byte")
    void transientCp() throws IOException {
        byte[] data = new byte[1 << 20];
        new Random(2).nextBytes(data);
        Path source = Files.write(local.resolve("source.bin"), data);
        proxy.failNext(1, 503, "ServiceUnavailable");
        proxy.dropNext(1);
        long start = System.nanoTime();
        MountFixture.run(bucket, "cp", source.toString(), "copied.bin");
        System.out.println("FAULT mount cp with a 503 and a reset: succeeded after " + (System.nanoTime() - start) / 1_000_000 + " ms");
        assertArrayEquals(data, storedBytes("copied.bin", data.length));
    }

    @Test
    @DisplayName("a close that cannot upload (stalled server) fails with EIO within the bound; the old content stays until the retry stores the new")
    void closeCannotUpload() throws IOException {
        assertEquals("old", MountFixture.run(bucket, "cat", "old.txt")); // the mount knows the version the edit replaces
        FileChannel channel = FileChannel.open(bucket.resolve("old.txt"), StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        channel.write(ByteBuffer.wrap("new".getBytes(UTF_8)));
        proxy.stall();
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, channel::close);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("FAULT mount stall at close: close failed after " + took.toMillis() + " ms: " + e.getMessage());
        assertTrue(e.getMessage().contains("Input/output error"), e.toString());
        assertTrue(took.compareTo(OPERATION_BOUND) < 0, "close took " + took);
        proxy.pass();
        assertEquals("old", stored("old.txt"));
        awaitStored("old.txt", "new");
    }

    /** The data of a failed close stays staged and is retried (first after 1 s): never lose a write. */
    private static void awaitStored(String key, String text) {
        long start = System.nanoTime();
        while (!text.equals(stored(key))) {
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), key + " not stored by the retry within 10 s");
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        System.out.println("FAULT mount: the retry stored " + key + " " + (System.nanoTime() - start) / 1_000_000
                + " ms after the fault was lifted");
    }

    @Test
    @DisplayName("cp over a file while every connection is reset exits non-zero within the bound; the old content stays until the retry")
    void cpWhileDown() throws IOException {
        Path source = Files.writeString(local.resolve("new.txt"), "new content");
        assertEquals("old", MountFixture.run(bucket, "cat", "old.txt")); // the mount knows the version the edit replaces
        proxy.drop();
        eioWithinBound("reset cp", "cp", source.toString(), "old.txt");
        proxy.pass();
        assertEquals("old", stored("old.txt"));
        awaitStored("old.txt", "new content");
    }
}
