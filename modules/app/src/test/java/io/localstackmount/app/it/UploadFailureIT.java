package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.app.it.MountFixture.Result;
import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload that fails because the server went away: {@code close()} reports the failure and the
 * object stored before stays as it was. The server keeps its objects in a folder of ours, so a
 * second server started on the same folder shows what the first one stored.
 *
 * <p>The mount's TTL is long here, so that {@code keep.txt}, learnt while the server was up, is
 * still known after it stopped: the open succeeds and the failure can only come from the upload.
 *
 * <pre>
 *   blobs/store/          the S3Proxy filesystem blob store (kept after the server stops)
 *     upfail/keep.txt     "old", put through S3 before the server stops
 * </pre>
 */
class UploadFailureIT {
    private static final String BUCKET = "upfail";
    @TempDir
    static Path blobs;
    private static Path store;
    private static MountFixture fx;
    private static Path bucket;

    @BeforeAll
    static void mount() {
        store = blobs.resolve("store");
        S3ProxyServer server = S3ProxyServer.builder().filesystem(store).start();
        fx = MountFixture.start(server, b -> b.metadataTtl(Duration.ofMinutes(10)).negativeTtl(Duration.ofMinutes(10)));
        bucket = fx.bucket(BUCKET);
        fx.s3().put(BUCKET, "keep.txt", "old".getBytes(UTF_8), Map.of(), "text/plain");
        assertEquals("3", MountFixture.run(bucket, "stat", "-c", "%s", "keep.txt").strip());
        fx.server().stop();
    }

    @AfterAll
    static void unmount() {
        fx.close();
    }

    @AfterEach
    void previousObjectUntouched() {
        assertEquals("old", storedBody("keep.txt"), "the object stored before the failed upload changed");
    }

    /** What the stopped server had stored under {@code key}, read through a second server on the same folder. */
    private static String storedBody(String key) {
        try (S3ProxyServer second = S3ProxyServer.builder().filesystem(store).start();
             S3ObjectStore s3 = second.newStore()) {
            byte[] dst = new byte[64];
            int n = s3.read(BUCKET, key, 0, dst, 0, dst.length);
            return new String(dst, 0, n, UTF_8);
        }
    }

    @Test
    @DisplayName("FileChannel.close() of an overwritten file throws when the upload fails")
    void channelCloseFails() throws IOException {
        FileChannel channel = FileChannel.open(bucket.resolve("keep.txt"), StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        channel.write(ByteBuffer.wrap("new".getBytes(UTF_8)));
        IOException e = assertThrows(IOException.class, channel::close);
        assertTrue(e.getMessage().contains("Input/output error"), e.toString());
    }

    @Test
    @DisplayName("cp over a file exits non-zero when the upload fails")
    void cpFails(@TempDir Path local) throws IOException {
        Path source = local.resolve("new.txt");
        Files.writeString(source, "new content");
        Result r = MountFixture.runAllowingFailure(bucket, "cp", source.toString(), "keep.txt");
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("Input/output error"), r.output());
    }

    @Test
    @DisplayName("cp of a 20 MiB file (multipart size) over a file exits non-zero when the upload fails")
    void cpLargeFails(@TempDir Path local) throws IOException {
        byte[] data = new byte[20 * 1024 * 1024];
        new Random(20).nextBytes(data);
        Path source = local.resolve("large.bin");
        Files.write(source, data);
        Result r = MountFixture.runAllowingFailure(bucket, "cp", source.toString(), "keep.txt");
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("Input/output error"), r.output());
    }
}
