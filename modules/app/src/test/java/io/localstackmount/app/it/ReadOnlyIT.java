package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.app.it.MountFixture.Result;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A mount started read-only ({@code --read-only}): every change fails with EROFS and leaves S3 as
 * it was; reads work.
 *
 * <pre>
 *   ro-bucket/           bucket made through S3
 *     file.txt           "stored"
 *     dir/inner.txt      "inner"
 * </pre>
 */
class ReadOnlyIT {
    private static final String BUCKET = "ro-bucket";
    private static MountFixture fx;
    private static Path bucket;

    @BeforeAll
    static void mount() {
        fx = MountFixture.start(S3ProxyServer.start(), b -> { }, true);
        bucket = fx.bucket(BUCKET);
        fx.s3().put(BUCKET, "file.txt", "stored".getBytes(UTF_8), Map.of(), "text/plain");
        fx.s3().put(BUCKET, "dir/inner.txt", "inner".getBytes(UTF_8), Map.of(), "text/plain");
    }

    @AfterAll
    static void unmount() {
        fx.close();
    }

    private static void refused(Path dir, String... command) {
        Result r = MountFixture.runAllowingFailure(dir, command);
        assertNotEquals(0, r.exitCode(), String.join(" ", command) + " succeeded on a read-only mount:\n" + r.output());
        assertTrue(r.output().contains("Read-only file system"), r.output());
    }

    private static String stored(String key) {
        byte[] dst = new byte[64];
        int n = fx.s3().read(BUCKET, key, 0, dst, 0, dst.length);
        return new String(dst, 0, n, UTF_8);
    }

    @Nested
    @DisplayName("reads")
    class Reads {
        @Test
        @DisplayName("cat, ls and stat work")
        void readsWork() {
            assertEquals("stored", MountFixture.run(bucket, "cat", "file.txt"));
            assertEquals("inner", MountFixture.run(bucket, "cat", "dir/inner.txt"));
            assertEquals("dir\nfile.txt\n", MountFixture.run(bucket, "ls"));
            assertEquals("6", MountFixture.run(bucket, "stat", "-c", "%s", "file.txt").strip());
        }
    }

    @Nested
    @DisplayName("changes fail with Read-only file system")
    class Changes {
        @Test
        @DisplayName("writing a new file")
        void newFile() {
            refused(bucket, "sh", "-c", "echo new > new.txt");
            assertFalse(fx.s3().head(BUCKET, "new.txt").isPresent());
        }

        @Test
        @DisplayName("overwriting and appending to a file")
        void overwrite() {
            refused(bucket, "sh", "-c", "echo changed > file.txt");
            refused(bucket, "sh", "-c", "echo more >> file.txt");
            assertEquals("stored", stored("file.txt"));
        }

        @Test
        @DisplayName("touch of a new and an existing file")
        void touch() {
            refused(bucket, "touch", "touched.txt");
            refused(bucket, "touch", "file.txt");
            assertFalse(fx.s3().head(BUCKET, "touched.txt").isPresent());
        }

        @Test
        @DisplayName("mkdir in a bucket and at the root, rmdir")
        void folders() {
            refused(bucket, "mkdir", "newdir");
            refused(fx.root(), "mkdir", "ro-new-bucket");
            refused(fx.root(), "rmdir", BUCKET);
            assertFalse(fx.s3().head(BUCKET, "newdir/").isPresent());
            assertFalse(fx.s3().bucketExists("ro-new-bucket"));
        }

        @Test
        @DisplayName("rm")
        void rm() {
            refused(bucket, "rm", "file.txt");
            refused(bucket, "rm", "dir/inner.txt");
            assertTrue(fx.s3().head(BUCKET, "file.txt").isPresent());
            assertTrue(Files.exists(bucket.resolve("dir/inner.txt")));
        }
    }
}
