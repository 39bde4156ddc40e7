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
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never lose a write, on a real mount: the command killed with SIGKILL while a file is written and
 * not closed, then started again, stores it (or sets it aside when another client changed the
 * object meanwhile); SIGTERM stores dirty files before unmounting; a full staging disk answers
 * ENOSPC and {@code df} shows its free space; an upload cut off by the server stopping fails the
 * close and is stored by the retry once the server is back.
 *
 * <pre>
 *   tmp/home/.local/state/localstackmount/staging/   the default staging root of the command
 *     mount-*&#47;f-N.data, f-N.rec                     a killed mount's unsaved file and its record
 *     conflicts/                                      what was not uploaded over another client's change
 *   tmp/mnt/durable/                                  the bucket, one server for the class
 * </pre>
 */
class DurableStagingIT {
    private static final String BUCKET = "durable";
    private static S3ProxyServer server;
    private static S3ObjectStore s3;

    @BeforeAll
    static void start() {
        server = S3ProxyServer.builder().inMemory().start();
        s3 = server.newStore();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    private static AppProcess mount(Path tmp, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--endpoint", server.endpoint().toString(), "--busy-timeout", "0"));
        args.addAll(List.of(more));
        try {
            Files.createDirectories(tmp.resolve("home"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return AppProcess.mount(tmp, tmp.resolve("home"), tmp.resolve("mnt"), args.toArray(String[]::new));
    }

    private static Path stagingRoot(Path tmp) {
        return tmp.resolve("home/.local/state/localstackmount/staging");
    }

    private static byte[] stored(String key) {
        int size = (int) s3.head(BUCKET, key).orElseThrow(() -> new AssertionError(key + " is not in S3")).size();
        byte[] dst = new byte[size];
        assertEquals(size, s3.read(BUCKET, key, 0, dst, 0, size));
        return dst;
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Opens {@code file} in the mount (truncating) and writes {@code data} without closing: the writer is still at work. */
    private static FileChannel writeOpen(Path file, byte[] data) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        return channel;
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the mount behind it is gone: that is the point
        }
    }

    /** The recovery time the restarted command logged, or -1. */
    private static long recoveryMillis(String log) {
        Matcher m = Pattern.compile("recovered what earlier mounts left in \\S+ in (\\d+) ms").matcher(log);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.walk(dir)) {
            return list.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    @DisplayName("SIGKILL while a 3 MiB file is written and not closed: the next start stores it byte for byte")
    void killedWriterRecovered(@TempDir Path tmp) throws Exception {
        byte[] data = random(3 << 20, 1);
        FileChannel channel;
        try (AppProcess app = mount(tmp)) {
            channel = writeOpen(tmp.resolve("mnt").resolve(BUCKET).resolve("killed.bin"), data);
            app.kill();
        }
        closeQuietly(channel);
        assertTrue(s3.head(BUCKET, "killed.bin").isEmpty(), "nothing was stored before the kill");
        assertEquals(1, files(stagingRoot(tmp)).stream().filter(p -> p.toString().endsWith(".rec")).count());

        long start = System.nanoTime();
        try (AppProcess again = mount(tmp)) {
            long ready = (System.nanoTime() - start) / 1_000_000;
            String log = again.output();
            System.out.println("DURABLE SIGKILL mid-write, 3 MiB: restart mounted after " + ready + " ms, recovery took "
                    + recoveryMillis(log) + " ms");
            assertArrayEquals(data, stored("killed.bin"));
            assertTrue(log.contains("recovered s3://durable/killed.bin: uploaded 3145728 bytes"), log);
            assertTrue(Files.size(tmp.resolve("mnt").resolve(BUCKET).resolve("killed.bin")) == data.length);
        }
        assertEquals(List.of(), files(stagingRoot(tmp)), "the stale folder and the mount's own are gone");
    }

    @Test
    @DisplayName("SIGKILL mid-edit, then another client rewrites the object: the next start keeps it and sets ours aside")
    void killedWriterConflict(@TempDir Path tmp) throws Exception {
        s3.put(BUCKET, "edited.txt", "version 1".getBytes(UTF_8), Map.of(), "text/plain");
        FileChannel channel;
        try (AppProcess app = mount(tmp)) {
            channel = writeOpen(tmp.resolve("mnt").resolve(BUCKET).resolve("edited.txt"), "our edit".getBytes(UTF_8));
            app.kill();
        }
        closeQuietly(channel);
        s3.put(BUCKET, "edited.txt", "their version".getBytes(UTF_8), Map.of(), "text/plain");

        try (AppProcess again = mount(tmp)) {
            String log = again.output();
            System.out.println("DURABLE SIGKILL mid-edit with a conflict: recovery took " + recoveryMillis(log) + " ms");
            assertEquals("their version", new String(stored("edited.txt"), UTF_8));
            List<Path> kept = files(stagingRoot(tmp).resolve("conflicts"));
            Path data = kept.stream().filter(p -> !p.toString().endsWith(".rec")).findFirst().orElseThrow();
            assertEquals("our edit", Files.readString(data));
            assertTrue(log.contains("s3://durable/edited.txt was changed by another client") && log.contains(data.toString()), log);
        }
    }

    @Test
    @DisplayName("SIGTERM with a dirty file still open: it is stored before the unmount")
    void sigtermFlushes(@TempDir Path tmp) throws Exception {
        byte[] data = random(1 << 20, 2);
        FileChannel channel;
        try (AppProcess app = mount(tmp)) {
            channel = writeOpen(tmp.resolve("mnt").resolve(BUCKET).resolve("open-at-exit.bin"), data);
            long start = System.nanoTime();
            app.terminate();
            OptionalInt exit = app.awaitExit(Duration.ofSeconds(40));
            long millis = (System.nanoTime() - start) / 1_000_000;
            String log = app.output();
            System.out.println("DURABLE SIGTERM with a dirty 1 MiB file open: exit " + exit + " after " + millis + " ms");
            assertEquals(OptionalInt.of(0), exit, log);
            assertTrue(log.contains("storing 1 files with unsaved data before unmounting"), log);
        }
        closeQuietly(channel);
        assertArrayEquals(data, stored("open-at-exit.bin"));
        assertEquals(List.of(), files(stagingRoot(tmp)));
    }

    @Test
    @DisplayName("a 2 MiB staging disk: writing 3 MiB answers ENOSPC, and df shows the disk's free space")
    void fullStagingDisk(@TempDir Path tmp) throws Exception {
        Path small = Files.createDirectories(tmp.resolve("small"));
        Result tmpfs = MountFixture.runAllowingFailure(tmp, "mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", small.toString());
        tmpfs.requireSuccess();
        try (AppProcess app = mount(tmp, "--staging-dir", small.toString())) {
            Path bucket = tmp.resolve("mnt").resolve(BUCKET);
            String df = MountFixture.run(bucket, "df", "-B1", "--output=size,avail", bucket.toString()).strip().split("\n")[1].trim();
            long avail = Long.parseLong(df.split("\\s+")[1]);
            System.out.println("DURABLE df on a 2 MiB staging disk: " + df);
            assertEquals(1L << 50, Long.parseLong(df.split("\\s+")[0]));
            assertTrue(avail > 1_500_000 && avail <= 2L << 20, df);

            Result dd = MountFixture.runAllowingFailure(bucket, "dd", "if=/dev/zero", "of=big.bin", "bs=1M", "count=3");
            System.out.println("DURABLE dd of 3 MiB onto it: exit " + dd.exitCode() + ": " + dd.output().strip().split("\n")[0]);
            assertNotEquals(0, dd.exitCode(), dd.output());
            assertTrue(dd.output().contains("No space left on device"), dd.output());
            assertTrue(app.output().contains("the staging disk is full"), app.output());
        } finally {
            MountFixture.runAllowingFailure(tmp, "umount", small.toString());
        }
    }

    @Test
    @DisplayName("the server stops mid-upload: close fails with EIO, the data stays staged, the retry stores it once the server is back")
    void serverStoppedMidUpload(@TempDir Path tmp) throws Exception {
        Path blobs = tmp.resolve("blobs");
        S3ProxyServer first = S3ProxyServer.builder().filesystem(blobs).start();
        int port = first.port();
        try (FaultProxy proxy = FaultProxy.start(first.endpoint());
             S3ObjectStore viaProxy = S3ObjectStore.create(first.config().toBuilder().endpoint(proxy.endpoint())
                     .attemptTimeout(Duration.ofMillis(500)).callTimeout(Duration.ofMillis(1500)).build());
             MountFixture fx = MountFixture.start(first, viaProxy, b -> b.uploadRetry(Duration.ofMillis(500)), false)) {
            Path bucket = fx.bucket("restart");
            byte[] data = random(4 << 20, 3);
            FileChannel channel = writeOpen(bucket.resolve("cut.bin"), data);
            proxy.trickle(2 << 20, 0); // the upload takes two seconds
            CompletableFuture<IOException> close = CompletableFuture.supplyAsync(() -> {
                try {
                    channel.close();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            Thread.sleep(500);
            first.stop();
            long stopped = System.nanoTime();
            IOException failure = close.get(30, TimeUnit.SECONDS);
            System.out.println("DURABLE server stopped mid-upload: close failed " + (System.nanoTime() - stopped) / 1_000_000
                    + " ms after the stop: " + failure);
            assertTrue(failure != null && failure.getMessage().contains("Input/output error"), String.valueOf(failure));
            assertEquals(1, files(fx.stagingDir()).stream().filter(p -> p.toString().endsWith(".rec")).count(), "recorded");

            proxy.pass();
            long restart = System.nanoTime();
            try (S3ProxyServer second = S3ProxyServer.builder().filesystem(blobs).port(port).start();
                 S3ObjectStore direct = second.newStore()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (direct.head("restart", "cut.bin").isEmpty()) {
                    assertTrue(System.nanoTime() < deadline, "not stored within 20 s of the restart");
                    Thread.sleep(50);
                }
                System.out.println("DURABLE server restarted: the retry stored 4 MiB " + (System.nanoTime() - restart) / 1_000_000
                        + " ms after the restart");
                byte[] back = new byte[data.length];
                assertEquals(data.length, direct.read("restart", "cut.bin", 0, back, 0, back.length));
                assertArrayEquals(data, back);
            }
        }
    }
}
