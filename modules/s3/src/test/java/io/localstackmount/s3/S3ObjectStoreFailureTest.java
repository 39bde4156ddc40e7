package io.localstackmount.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store does when the server goes away: EIO, quickly, with a message naming the endpoint. */
class S3ObjectStoreFailureTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("upload to a stopped server fails with EIO within a few seconds")
    void stoppedServer() throws Exception {
        Path file = tmp.resolve("f.bin");
        Files.write(file, new byte[1 << 20]);
        try (S3ProxyServer server = S3ProxyServer.builder().inMemory().start();
             S3ObjectStore store = server.newStore()) {
            store.createBucket("bucket");
            store.upload("bucket", "before", file, Map.of(), null);
            server.stop();

            long start = System.nanoTime();
            FsException e = assertThrows(FsException.class, () -> store.upload("bucket", "after", file, Map.of(), null));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(Errno.EIO, e.errno(), e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
            assertTrue(e.getMessage().contains(server.endpoint().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("PutObject") && e.getMessage().contains("s3://bucket/after"), e.getMessage());
        }
    }

    @Test
    @DisplayName("a server stopped in the middle of an upload fails it with EIO")
    void stoppedMidUpload() throws Exception {
        Path file = tmp.resolve("big.bin");
        byte[] data = new byte[64 << 20];
        new Random(3).nextBytes(data);
        Files.write(file, data);
        try (S3ProxyServer server = S3ProxyServer.builder().inMemory().start();
             S3ObjectStore store = server.newStore()) {
            store.createBucket("bucket");
            CompletableFuture<ObjectInfo> upload = CompletableFuture.supplyAsync(
                    () -> store.upload("bucket", "big", file, Map.of(), null));
            Thread.sleep(100);
            assumeFalse(upload.isDone(), "the upload finished before the server could be stopped");
            long start = System.nanoTime();
            server.stop();
            ExecutionException e = assertThrows(ExecutionException.class, () -> upload.get(10, TimeUnit.SECONDS));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(e.getCause() instanceof FsException, String.valueOf(e.getCause()));
            assertEquals(Errno.EIO, ((FsException) e.getCause()).errno(), e.getCause().getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
        }
    }

    @Test
    @DisplayName("nothing listening: every call is EIO saying it cannot reach the endpoint")
    void nothingListening() {
        S3StoreConfig config = S3StoreConfig.builder().endpoint(java.net.URI.create("http://127.0.0.1:" + freePort())).build();
        try (S3ObjectStore store = S3ObjectStore.create(config)) {
            long start = System.nanoTime();
            FsException e = assertThrows(FsException.class, () -> store.head("bucket", "key"));
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage().contains("cannot reach " + config.describe()), e.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(3)) < 0);
            assertEquals(Errno.EIO, assertThrows(FsException.class, store::listBuckets).errno());
        }
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
