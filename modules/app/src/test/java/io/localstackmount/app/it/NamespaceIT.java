package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Listing;
import io.localstackmount.app.it.MountFixture.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Buckets, folders, names and {@code rm} on a real mount, driven by ordinary processes and checked
 * through a separate S3 client. Every bucket below is made through S3 before the first listing,
 * so that the root listing never depends on cache expiry.
 *
 * <pre>
 *   mnt/
 *     ns-one/, ns-two/          plain buckets, for the root listing
 *     ns-full/                  bucket with one object: rmdir is ENOTEMPTY
 *       keep.txt
 *     ns-rm-empty/              empty bucket: rmdir deletes it
 *     ns-main/                  the bucket of the folder, rm and name tests
 *       a/b/c.txt               put through S3: a and a/b are implicit folders
 *       marked/                 marker object only: an empty folder
 *       full/x.txt              implicit folder, rmdir is ENOTEMPTY
 *       withmarker/ + f.txt     marker and one file: deleting the file keeps the folder
 *       implicit/only.txt       no marker: deleting the file writes one
 *       uni/hello world ü.txt   a name with a space and a non-ASCII letter
 *       ...                     one key per test otherwise
 * </pre>
 */
class NamespaceIT {
    private static final String BUCKET = "ns-main";
    private static MountFixture fx;
    private static Path root;
    private static Path bucket;

    @BeforeAll
    static void mount() {
        fx = MountFixture.start();
        root = fx.root();
        fx.bucket("ns-one");
        fx.bucket("ns-two");
        fx.bucket("ns-full");
        put("ns-full", "keep.txt", "keep");
        fx.bucket("ns-rm-empty");
        bucket = fx.bucket(BUCKET);
        put(BUCKET, "a/b/c.txt", "c");
        put(BUCKET, "marked/", "");
        put(BUCKET, "full/x.txt", "x");
        put(BUCKET, "withmarker/", "");
        put(BUCKET, "withmarker/f.txt", "f");
        put(BUCKET, "implicit/only.txt", "only");
        put(BUCKET, "rm-me.txt", "bye");
        put(BUCKET, "uni/hello world \u00fc.txt", "from s3");
    }

    @AfterAll
    static void unmount() {
        fx.close();
    }

    private static void put(String bucketName, String key, String body) {
        fx.s3().put(bucketName, key, body.getBytes(UTF_8), Map.of(), key.endsWith("/") ? "application/x-directory" : "text/plain");
    }

    private static boolean exists(String bucketName, String key) {
        return fx.s3().head(bucketName, key).isPresent();
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs {@code command} expecting it to fail; returns its output. */
    private static String fails(Path dir, String... command) {
        Result r = MountFixture.runAllowingFailure(dir, command);
        assertNotEquals(0, r.exitCode(), String.join(" ", command) + " should have failed:\n" + r.output());
        return r.output();
    }

    @Nested
    @DisplayName("the mount root")
    class Root {
        @Test
        @DisplayName("lists every bucket")
        void listsEveryBucket() throws IOException {
            List<String> listed = names(root);
            // ns-rm-empty and ns-made come and go with other tests of this class.
            assertTrue(listed.containsAll(List.of("ns-main", "ns-one", "ns-two", "ns-full")), listed.toString());
            String ls = MountFixture.run(root, "ls");
            assertTrue(ls.contains("ns-one") && ls.contains("ns-two"), ls);
        }

        @Test
        @DisplayName("mkdir creates a bucket")
        void mkdirCreatesBucket() {
            MountFixture.run(root, "mkdir", "ns-made");
            assertTrue(fx.s3().bucketExists("ns-made"));
            assertTrue(Files.isDirectory(root.resolve("ns-made")));
            assertTrue(MountFixture.run(root, "ls").contains("ns-made"));
        }

        @Test
        @DisplayName("rmdir deletes an empty bucket")
        void rmdirDeletesEmptyBucket() {
            MountFixture.run(root, "rmdir", "ns-rm-empty");
            assertFalse(fx.s3().bucketExists("ns-rm-empty"));
            assertFalse(Files.exists(root.resolve("ns-rm-empty")));
        }

        @Test
        @DisplayName("rmdir of a bucket with objects is ENOTEMPTY and keeps it")
        void rmdirNonEmptyBucket() {
            String out = fails(root, "rmdir", "ns-full");
            assertTrue(out.contains("Directory not empty"), out);
            assertTrue(fx.s3().bucketExists("ns-full"));
            assertTrue(exists("ns-full", "keep.txt"));
        }

        @Test
        @DisplayName("mkdir with an invalid bucket name is EINVAL")
        void invalidBucketName() {
            String out = fails(root, "mkdir", "Bad_Name");
            assertTrue(out.contains("Invalid argument"), out);
            assertFalse(Files.exists(root.resolve("Bad_Name")));
        }
    }

    @Nested
    @DisplayName("folders inside a bucket")
    class Folders {
        @Test
        @DisplayName("key prefixes are folders: a/b/c.txt makes a and a/b folders")
        void prefixesAreFolders() throws IOException {
            assertTrue(Files.isDirectory(bucket.resolve("a")));
            assertTrue(Files.isDirectory(bucket.resolve("a/b")));
            assertTrue(Files.isRegularFile(bucket.resolve("a/b/c.txt")));
            assertEquals(List.of("b"), names(bucket.resolve("a")));
            assertEquals(List.of("c.txt"), names(bucket.resolve("a/b")));
            assertEquals("c", Files.readString(bucket.resolve("a/b/c.txt")));
        }

        @Test
        @DisplayName("a marker object dir/ is an empty folder")
        void markerIsFolder() throws IOException {
            assertTrue(Files.isDirectory(bucket.resolve("marked")));
            assertEquals(List.of(), names(bucket.resolve("marked")));
            assertTrue(names(bucket).contains("marked"));
        }

        @Test
        @DisplayName("mkdir writes the marker dir/, so the empty folder stays")
        void mkdirWritesMarker() throws IOException {
            MountFixture.run(bucket, "mkdir", "made");
            assertTrue(exists(BUCKET, "made/"), "marker made/ missing");
            fx.filesystem().clearCaches();
            assertTrue(Files.isDirectory(bucket.resolve("made")));
            assertTrue(names(bucket).contains("made"));
        }

        @Test
        @DisplayName("mkdir -p writes a marker for each level")
        void mkdirParents() {
            MountFixture.run(bucket, "mkdir", "-p", "deep/er/est");
            assertTrue(exists(BUCKET, "deep/"));
            assertTrue(exists(BUCKET, "deep/er/"));
            assertTrue(exists(BUCKET, "deep/er/est/"));
        }

        @Test
        @DisplayName("rmdir removes an empty folder's marker")
        void rmdirEmptyFolder() {
            MountFixture.run(bucket, "mkdir", "gone");
            assertTrue(exists(BUCKET, "gone/"));
            MountFixture.run(bucket, "rmdir", "gone");
            assertFalse(exists(BUCKET, "gone/"));
            assertFalse(Files.exists(bucket.resolve("gone")));
        }

        @Test
        @DisplayName("rmdir of a folder with a file is ENOTEMPTY and keeps the file")
        void rmdirNonEmptyFolder() {
            String out = fails(bucket, "rmdir", "full");
            assertTrue(out.contains("Directory not empty"), out);
            assertTrue(exists(BUCKET, "full/x.txt"));
            assertTrue(Files.isDirectory(bucket.resolve("full")));
        }

        @Test
        @DisplayName("a folder with a marker stays when its last file is deleted")
        void markerKeepsFolder() throws IOException {
            MountFixture.run(bucket, "rm", "withmarker/f.txt");
            assertFalse(exists(BUCKET, "withmarker/f.txt"));
            assertTrue(exists(BUCKET, "withmarker/"));
            fx.filesystem().clearCaches();
            assertTrue(Files.isDirectory(bucket.resolve("withmarker")));
            assertEquals(List.of(), names(bucket.resolve("withmarker")));
        }

        @Test
        @DisplayName("an implicit folder whose last file is deleted through the mount gets a marker and stays")
        void implicitFolderKeptByMarker() throws IOException {
            assertFalse(exists(BUCKET, "implicit/"));
            MountFixture.run(bucket, "rm", "implicit/only.txt");
            assertFalse(exists(BUCKET, "implicit/only.txt"));
            assertTrue(exists(BUCKET, "implicit/"), "no marker implicit/ was written");
            fx.filesystem().clearCaches();
            assertTrue(Files.isDirectory(bucket.resolve("implicit")));
            assertEquals(List.of(), names(bucket.resolve("implicit")));
        }
    }

    @Nested
    @DisplayName("rm")
    class Rm {
        @Test
        @DisplayName("deletes the object")
        void deletesObject() {
            assertTrue(exists(BUCKET, "rm-me.txt"));
            MountFixture.run(bucket, "rm", "rm-me.txt");
            assertFalse(exists(BUCKET, "rm-me.txt"));
            assertFalse(Files.exists(bucket.resolve("rm-me.txt")));
        }

        @Test
        @DisplayName("of a missing file is ENOENT")
        void missing() {
            String out = fails(bucket, "rm", "never-there.txt");
            assertTrue(out.contains("No such file or directory"), out);
        }
    }

    @Nested
    @DisplayName("names")
    class Names {
        /** "hello world ü.txt" spelled with octal escapes, so the test does not depend on the JVM's file name encoding. */
        private static final String SHELL_NAME = "$(printf 'hello world \\303\\274.txt')";
        private static final String NAME = "hello world \u00fc.txt";

        @Test
        @DisplayName("spaces and Unicode round-trip: written through the mount, read through S3")
        void unicodeWrittenThroughMount() throws Exception {
            MountFixture.run(bucket, "sh", "-c", "printf 'unicode body' > \"" + SHELL_NAME + "\"");
            byte[] dst = new byte[64];
            int n = fx.s3().read(BUCKET, NAME, 0, dst, 0, dst.length);
            assertEquals("unicode body", new String(dst, 0, n, UTF_8));
        }

        @Test
        @DisplayName("spaces and Unicode round-trip: put through S3, listed and read through the mount")
        void unicodePutThroughS3() throws Exception {
            Process p = new ProcessBuilder("ls", "uni").directory(bucket.toFile()).redirectErrorStream(true).start();
            String listed = new String(p.getInputStream().readAllBytes(), UTF_8);
            assertEquals(0, p.waitFor(), listed);
            assertEquals(NAME, listed.strip());
            String body = MountFixture.run(bucket.resolve("uni"), "sh", "-c", "cat \"" + SHELL_NAME + "\"");
            assertEquals("from s3", body);
        }

        @Test
        @DisplayName("a 256-byte name is ENAMETOOLONG for touch and mkdir")
        void nameTooLong() {
            String longName = "n".repeat(256);
            String touch = fails(bucket, "touch", longName);
            assertTrue(touch.contains("File name too long"), touch);
            String mkdir = fails(bucket, "mkdir", longName);
            assertTrue(mkdir.contains("File name too long"), mkdir);
            // Not a HEAD of the long key: S3Proxy's filesystem store answers 500 for names it cannot store.
            Listing listing = fx.s3().list(BUCKET, "");
            assertTrue(listing.objects().stream().noneMatch(o -> o.key().startsWith("nnnn")), listing.toString());
            assertTrue(listing.commonPrefixes().stream().noneMatch(p -> p.startsWith("nnnn")), listing.toString());
        }
    }
}
