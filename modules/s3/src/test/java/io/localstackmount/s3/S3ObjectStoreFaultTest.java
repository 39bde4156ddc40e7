package io.localstackmount.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.s3proxy.FaultProxy;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store through a {@link FaultProxy}: a stalled, trickling or resetting server becomes EIO
 * within the call deadline, transient errors are retried and succeed, and the same store works
 * again once the fault is lifted. Every case checks the time, what S3 holds afterwards (through a
 * second store that bypasses the proxy), and that what succeeded is stored byte for byte.
 *
 * <p>Deadlines are short here: each attempt 0.5 s, each call 1.5 s, and a minimum throughput of 8 MiB/s
 * (an 8 MiB part gets 1 s more). Transient failures go to a second, patient store (call 8 s), since
 * SlowDown is retried after the SDK's throttling backoff of up to 1 s, then 2 s. The socket timeout
 * stays at its 30 s default, so only the deadlines can end a stall or a trickle in time.
 *
 * <pre>
 *   faults/old.txt     "old", stored before each test: a failed write must leave it so
 * </pre>
 */
class S3ObjectStoreFaultTest {
    private static final String BUCKET = "faults";
    private static final Duration CALL = Duration.ofMillis(1500);
    private static final Duration PATIENT_CALL = Duration.ofSeconds(8);
    /** Past the call deadline: the time the SDK and our timer take to notice, and a loaded machine. */
    private static final Duration SLACK = Duration.ofMillis(1500);

    private static S3ProxyServer server;
    private static FaultProxy proxy;
    private static S3ObjectStore store;
    private static S3ObjectStore patient;
    private static S3ObjectStore direct;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        server = S3ProxyServer.builder().inMemory().start();
        proxy = FaultProxy.start(server.endpoint());
        S3StoreConfig.Builder config = server.config().toBuilder().endpoint(proxy.endpoint()).minThroughput(8L << 20);
        store = S3ObjectStore.create(config.attemptTimeout(Duration.ofMillis(500)).callTimeout(CALL).build());
        patient = S3ObjectStore.create(config.attemptTimeout(Duration.ofSeconds(2)).callTimeout(PATIENT_CALL).build());
        direct = server.newStore();
        direct.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() {
        store.close();
        patient.close();
        direct.close();
        proxy.close();
        server.close();
    }

    @AfterEach
    void lift() {
        proxy.pass();
        // The same store answers again without being rebuilt: no broken connection was kept.
        assertEquals(3, store.head(BUCKET, "old.txt").orElseThrow().size());
    }

    @BeforeEach
    void seed() {
        direct.put(BUCKET, "old.txt", "old".getBytes(UTF_8), Map.of(), "text/plain");
    }

    private static String stored(String key) {
        return direct.head(BUCKET, key).map(i -> {
            byte[] dst = new byte[(int) i.size()];
            direct.read(BUCKET, key, 0, dst, 0, dst.length);
            return new String(dst, UTF_8);
        }).orElse(null);
    }

    /** Runs a call that must fail with EIO within the call deadline; answers the failure. */
    private static FsException eioWithinBound(String what, Duration bound, Runnable call) {
        long start = System.nanoTime();
        FsException e = assertThrows(FsException.class, call::run);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("FAULT " + what + ": EIO after " + took.toMillis() + " ms: " + e.getMessage());
        assertEquals(Errno.EIO, e.errno(), e.getMessage());
        assertTrue(took.compareTo(bound.plus(SLACK)) < 0, what + " took " + took + ", bound " + bound);
        return e;
    }

    private static <T> T succeedsWithin(String what, Duration bound, Supplier<T> call) {
        long start = System.nanoTime();
        T result = call.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("FAULT " + what + ": succeeded after " + took.toMillis() + " ms, " + proxy.injected() + " faults injected");
        assertTrue(took.compareTo(bound.plus(SLACK)) < 0, what + " took " + took);
        return result;
    }

    private Path file(String name, int size, long seed) throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return Files.write(tmp.resolve(name), data);
    }

    private static byte[] storedBytes(String key) {
        ObjectInfo info = direct.head(BUCKET, key).orElseThrow();
        byte[] dst = new byte[(int) info.size()];
        int at = 0;
        while (at < dst.length) {
            at += direct.read(BUCKET, key, at, dst, at, Math.min(dst.length - at, 4 << 20));
        }
        return dst;
    }

    @Nested
    @DisplayName("a stalled server (accepts, reads the request, never answers)")
    class Stall {
        @Test
        @DisplayName("HEAD is EIO within the call deadline, saying it timed out")
        void head() {
            proxy.stall();
            FsException e = eioWithinBound("stall HeadObject", CALL, () -> store.head(BUCKET, "old.txt"));
            assertTrue(e.getMessage().contains("HeadObject s3://faults/old.txt") && e.getMessage().contains("timed out"),
                    e.getMessage());
        }

        @Test
        @DisplayName("a listing is EIO within the call deadline")
        void list() {
            proxy.stall();
            eioWithinBound("stall ListObjectsV2", CALL, () -> store.listPage(BUCKET, "", null, 1000));
        }

        @Test
        @DisplayName("a ranged read is EIO within the call deadline")
        void read() {
            proxy.stall();
            eioWithinBound("stall GetObject", CALL, () -> store.read(BUCKET, "old.txt", 0, new byte[3], 0, 3));
        }

        @Test
        @DisplayName("an upload of 2 MiB is EIO within the call deadline; the object keeps its old content")
        void upload() throws Exception {
            Path f = file("two.bin", 2 << 20, 1);
            proxy.stall();
            eioWithinBound("stall PutObject 2 MiB", CALL, () -> store.upload(BUCKET, "old.txt", f, Map.of(), null));
            assertEquals("old", stored("old.txt"));
        }
    }

    @Nested
    @DisplayName("a trickling server (a few bytes at a time, never idle long enough for the socket timeout)")
    class Trickle {
        @Test
        @DisplayName("headers trickled: HEAD is EIO within the call deadline")
        void head() {
            proxy.trickle(50, 0);
            eioWithinBound("trickle HeadObject", CALL, () -> store.head(BUCKET, "old.txt"));
        }

        @Test
        @DisplayName("headers at once, body trickled: a 256 KiB read is EIO within the call deadline")
        void body() throws Exception {
            direct.upload(BUCKET, "one.bin", file("one.bin", 1 << 20, 2), Map.of(), null);
            proxy.trickle(1000, 2048);
            FsException e = eioWithinBound("trickle GetObject body", CALL, () -> store.read(BUCKET, "one.bin", 0, new byte[256 << 10], 0, 256 << 10));
            assertTrue(e.getMessage().contains("no complete answer within"), e.getMessage());
        }

        @Test
        @DisplayName("an upload of 1 MiB read by the server at 1 KB/s is EIO within the call deadline; nothing is stored")
        void upload() throws Exception {
            Path f = file("slow.bin", 1 << 20, 3);
            proxy.trickle(1000, 0);
            eioWithinBound("trickle PutObject 1 MiB", CALL, () -> store.upload(BUCKET, "slow.bin", f, Map.of(), null));
            assertEquals(null, stored("slow.bin"));
        }
    }

    @Nested
    @DisplayName("transient failures are retried with backoff and succeed")
    class Transient {
        @Test
        @DisplayName("two 503 SlowDown answers, then a PUT succeeds")
        void slowDown() throws Exception {
            Path f = file("put.bin", 300_000, 4);
            proxy.failNext(2, 503, "SlowDown");
            succeedsWithin("503 SlowDown x2 then PutObject", PATIENT_CALL, () -> patient.upload(BUCKET, "put.bin", f, Map.of(), null));
            assertArrayEquals(Files.readAllBytes(f), storedBytes("put.bin"));
        }

        @Test
        @DisplayName("two 500 InternalError answers, then a HEAD succeeds")
        void internalError() {
            proxy.failNext(2, 500, "InternalError");
            int before = proxy.requests();
            assertEquals(3, succeedsWithin("500 x2 then HeadObject", PATIENT_CALL, () -> patient.head(BUCKET, "old.txt")).orElseThrow().size());
            assertEquals(3, proxy.requests() - before, "two failed attempts and the one that answered");
        }

        @Test
        @DisplayName("two 503 ServiceUnavailable answers, then a listing succeeds")
        void unavailable() {
            proxy.failNext(2, 503, "ServiceUnavailable");
            assertTrue(succeedsWithin("503 x2 then ListObjectsV2", PATIENT_CALL, () -> patient.listPage(BUCKET, "", null, 1000))
                    .objects().stream().anyMatch(o -> o.key().equals("old.txt")));
        }

        @Test
        @DisplayName("two connections reset, then a PUT succeeds")
        void resets() throws Exception {
            Path f = file("reset.bin", 300_000, 5);
            proxy.dropNext(2);
            succeedsWithin("reset x2 then PutObject", PATIENT_CALL, () -> patient.upload(BUCKET, "reset.bin", f, Map.of(), null));
            assertArrayEquals(Files.readAllBytes(f), storedBytes("reset.bin"));
        }

        @Test
        @DisplayName("a 20 MiB multipart upload whose parts meet a 503 and a reset is stored byte for byte")
        void multipart() throws Exception {
            Path f = file("multi.bin", 20 << 20, 6);
            int before = proxy.requests();
            long start = System.nanoTime();
            CompletableFuture<ObjectInfo> upload = CompletableFuture.supplyAsync(
                    () -> patient.upload(BUCKET, "multi.bin", f, Map.of(), null));
            while (proxy.requests() < before + 2 && !upload.isDone()) {
                Thread.onSpinWait(); // CreateMultipartUpload answered, parts on their way
            }
            // Two faults at most per request: each still has an attempt left.
            proxy.failNext(1, 503, "SlowDown");
            proxy.dropNext(1);
            upload.get(PATIENT_CALL.multipliedBy(3).toSeconds(), TimeUnit.SECONDS);
            System.out.println("FAULT multipart 20 MiB with a 503 and a reset among its parts: succeeded after "
                    + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
            assertArrayEquals(Files.readAllBytes(f), storedBytes("multi.bin"));
        }

        @Test
        @DisplayName("more failures than attempts: EIO naming the last answer, and the old content stays")
        void exhausted() throws Exception {
            Path f = file("exhausted.bin", 1000, 7);
            proxy.failNext(10, 503, "SlowDown");
            FsException e = eioWithinBound("503 on every attempt", PATIENT_CALL, () -> patient.upload(BUCKET, "old.txt", f, Map.of(), null));
            assertTrue(e.getMessage().contains("503 SlowDown"), e.getMessage());
            assertEquals("old", stored("old.txt"));
        }
    }

    @Test
    @DisplayName("every connection reset until the fault is lifted: EIO within the bound, then the same store works")
    void downThenBack() {
        proxy.drop();
        eioWithinBound("every connection reset", CALL, () -> store.listBuckets());
        proxy.pass();
        assertTrue(store.listBuckets().contains(BUCKET));
    }
}
