package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.ObjectInfo;
import io.localstackmount.core.CountingObjectStore;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading and writing file content through a real mount with ordinary processes, checked byte for
 * byte through S3, and what reads cost in bytes fetched.
 *
 * <pre>
 *   rw-data/                 bucket made through S3
 *     big64.bin              64 MiB of seeded random bytes, uploaded through S3
 *     ranged64.bin           a copy of it, read only by head -c 4096
 *     shrink.txt, append.txt short texts put through S3, changed through the mount
 *     ...                    one key per write test
 *   local (a temp folder)    the same 64 MiB, a 5 MiB and a 40 MiB source file; the content cache
 * </pre>
 */
class ReadWriteIT {
    private static final String BUCKET = "rw-data";
    private static final int MIB = 1024 * 1024;
    private static MountFixture fx;
    private static Path bucket;
    @TempDir
    static Path local;
    private static Path big64;

    @BeforeAll
    static void mount() throws IOException {
        // A content cache of our own, empty at start: the user's cache would hold big64.bin from an earlier run.
        fx = MountFixture.start(S3ProxyServer.start(), b -> b.cacheDir(local.resolve("content-cache")));
        bucket = fx.bucket(BUCKET);
        big64 = randomFile("big64.bin", 64 * MIB, 64);
        fx.s3().upload(BUCKET, "big64.bin", big64, Map.of(), "application/octet-stream");
        // The same bytes under a key of its own: read by head only, so no other test warms its cache.
        fx.s3().copy(BUCKET, "big64.bin", BUCKET, "ranged64.bin", null);
        // Put before the mount lists the bucket, so that the mount knows them from the start.
        fx.s3().put(BUCKET, "shrink.txt", "a much longer original content".getBytes(UTF_8), Map.of(), "text/plain");
        fx.s3().put(BUCKET, "append.txt", "first\n".getBytes(UTF_8), Map.of(), "text/plain");
    }

    @AfterAll
    static void unmount() {
        fx.close();
    }

    private static Path randomFile(String name, int size, long seed) throws IOException {
        Path file = local.resolve(name);
        Random random = new Random(seed);
        byte[] chunk = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, Math.min(left, chunk.length));
            }
        }
        return file;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[MIB];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The whole object as S3 has it, downloaded to a local file. */
    private static Path s3Copy(String key) throws IOException {
        Path target = local.resolve("s3-" + key.replace('/', '_'));
        fx.s3().download(BUCKET, key, target);
        return target;
    }

    private static String s3Text(String key) throws IOException {
        return Files.readString(s3Copy(key));
    }

    private static void sh(String script) {
        MountFixture.run(bucket, "sh", "-c", script);
    }

    @Nested
    @DisplayName("reads")
    class Reads {
        @Test
        @DisplayName("head -c 4096 of a 64 MiB object fetches at most 2 MiB (ranged GETs)")
        void headIsRanged() throws Exception {
            CountingObjectStore requests = fx.requests();
            requests.reset();
            Path out = local.resolve("head.out");
            sh("head -c 4096 ranged64.bin > " + out);
            long fetched = requests.bytesRead();
            // Far below the object's size; the content cache fetches whole 1 MiB blocks, so not below 1 MiB.
            assertTrue(fetched <= 2 * MIB, "head -c 4096 fetched " + fetched + " bytes: " + requests.counts());
            System.out.println("ReadWriteIT: head -c 4096 of 64 MiB fetched " + fetched + " bytes: " + requests.counts());
            assertEquals(0, requests.count("download"), requests.counts().toString());
            byte[] expected = Arrays.copyOf(Files.readAllBytes(big64), 4096);
            assertArrayEquals(expected, Files.readAllBytes(out));
        }

        @Test
        @DisplayName("cat of a 64 MiB object is byte-exact (sha256sum) and fetches each byte about once")
        void catIsExact() throws Exception {
            CountingObjectStore requests = fx.requests();
            requests.reset();
            String sum = MountFixture.run(bucket, "sh", "-c", "cat big64.bin | sha256sum").split(" ")[0];
            long fetched = requests.bytesRead();
            assertEquals(sha256(big64), sum);
            assertTrue(fetched >= 64L * MIB && fetched <= 64L * MIB * 5 / 4,
                    "a sequential read of 64 MiB fetched " + fetched + " bytes: " + requests.counts());
            System.out.println("ReadWriteIT: cat of 64 MiB fetched " + fetched + " bytes: " + requests.counts());
        }
    }

    @Nested
    @DisplayName("writes")
    class Writes {
        @Test
        @DisplayName("echo hi > f stores hi")
        void echo() throws IOException {
            sh("echo hi > echo.txt");
            assertEquals("hi\n", s3Text("echo.txt"));
            assertEquals("hi\n", Files.readString(bucket.resolve("echo.txt")));
        }

        @Test
        @DisplayName("cp of a local 5 MiB file is byte-exact in S3")
        void cpFiveMib() throws Exception {
            Path source = randomFile("five.bin", 5 * MIB, 5);
            MountFixture.run(bucket, "cp", source.toString(), "five.bin");
            assertEquals(5L * MIB, fx.s3().head(BUCKET, "five.bin").orElseThrow().size());
            assertEquals(sha256(source), sha256(s3Copy("five.bin")));
        }

        @Test
        @DisplayName("touch new stores an empty object")
        void touchNew() {
            MountFixture.run(bucket, "touch", "touched");
            ObjectInfo head = fx.s3().head(BUCKET, "touched").orElseThrow(() -> new AssertionError("touch stored nothing"));
            assertEquals(0, head.size());
            assertEquals("0", MountFixture.run(bucket, "stat", "-c", "%s", "touched").strip());
        }

        @Test
        @DisplayName("overwriting an object with shorter content shrinks it")
        void overwriteShorter() throws IOException {
            assertEquals("30", MountFixture.run(bucket, "stat", "-c", "%s", "shrink.txt").strip());
            sh("printf short > shrink.txt");
            assertEquals("short", s3Text("shrink.txt"));
            assertEquals(5, fx.s3().head(BUCKET, "shrink.txt").orElseThrow().size());
            assertEquals("short", Files.readString(bucket.resolve("shrink.txt")));
        }

        @Test
        @DisplayName(">> appends to an object put through S3")
        void append() throws IOException {
            assertEquals("first\n", Files.readString(bucket.resolve("append.txt")));
            sh("echo second >> append.txt");
            assertEquals("first\nsecond\n", s3Text("append.txt"));
            sh("echo third >> append.txt");
            assertEquals("first\nsecond\nthird\n", s3Text("append.txt"));
        }

        @Test
        @DisplayName("a 40 MiB file streams as a multipart upload and is byte-exact in S3")
        void fortyMibMultipart() throws Exception {
            Path source = randomFile("forty.bin", 40 * MIB, 40);
            CountingObjectStore requests = fx.requests();
            requests.reset();
            MountFixture.run(bucket, "cp", source.toString(), "forty.bin");
            var counts = requests.counts();
            assertEquals(1, requests.count("startMultipart"), counts.toString());
            assertEquals(1, requests.count("completeMultipart"), counts.toString());
            assertTrue(requests.count("uploadPart") >= 5, counts.toString());
            assertEquals(0, requests.count("upload"), "fell back to a whole upload: " + counts);
            assertEquals(40L * MIB, fx.s3().head(BUCKET, "forty.bin").orElseThrow().size());
            assertEquals(sha256(source), sha256(s3Copy("forty.bin")));
        }

        @Test
        @DisplayName("x.json written through the mount has Content-Type application/json")
        void jsonContentType() {
            sh("echo '{}' > x.json");
            assertEquals("application/json", fx.s3().head(BUCKET, "x.json").orElseThrow().contentType());
        }
    }
}
