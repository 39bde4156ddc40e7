package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.ObjectInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extended attributes on a real mount, through getfattr and setfattr (Debian package {@code attr}):
 * what the xattr plugin promises, checked against what an S3 client sees.
 *
 * <pre>
 *   xattr/                        bucket made through S3
 *     &lt;one object per test&gt;     put through S3 with user metadata, unless said otherwise
 * </pre>
 */
class XattrIT {
    private static final String BUCKET = "xattr";
    private static MountFixture fx;
    private static Path bucket;

    @BeforeAll
    static void mount() {
        fx = MountFixture.start();
        bucket = fx.bucket(BUCKET);
    }

    @AfterAll
    static void unmount() {
        fx.close();
    }

    private static ObjectInfo put(String key, String body, Map<String, String> metadata, String contentType) {
        return fx.s3().put(BUCKET, key, body.getBytes(UTF_8), metadata, contentType);
    }

    private static ObjectInfo head(String key) {
        return fx.s3().head(BUCKET, key).orElseThrow(() -> new AssertionError("no object " + key));
    }

    private static String value(String file, String name) {
        return MountFixture.run(bucket, "getfattr", "--only-values", "-n", name, file);
    }

    private static String body(String key) {
        byte[] dst = new byte[1024];
        int n = fx.s3().read(BUCKET, key, 0, dst, 0, dst.length);
        return new String(dst, 0, n, UTF_8);
    }

    @Test
    @DisplayName("getfattr -d shows the user metadata an S3 client stored, and the system attributes")
    void dumpShowsMetadata() {
        put("dump.txt", "body", Map.of("color", "red", "build-id", "42"), "text/plain");
        String out = MountFixture.run(bucket, "getfattr", "-d", "dump.txt");
        assertTrue(out.contains("user.color=\"red\""), out);
        assertTrue(out.contains("user.build-id=\"42\""), out);
        assertTrue(out.contains("user.s3.content-type=\"text/plain\""), out);
        assertTrue(out.contains("user.s3.key=\"s3://xattr/dump.txt\""), out);
        assertTrue(out.contains("user.s3.size=\"4\""), out);
        assertTrue(out.contains("user.s3.last-modified=\""), out);
    }

    @Test
    @DisplayName("user.s3.etag is the store's ETag")
    void etag() {
        ObjectInfo stored = put("etag.txt", "etag body", Map.of(), "text/plain");
        assertEquals(head("etag.txt").etag(), value("etag.txt", "user.s3.etag"));
        assertEquals(stored.etag(), value("etag.txt", "user.s3.etag"));
    }

    @Test
    @DisplayName("the POSIX keys of a file written through the mount are not attributes")
    void posixKeysHidden() throws Exception {
        Files.writeString(bucket.resolve("mounted.txt"), "written here");
        assertTrue(head("mounted.txt").metadata().containsKey("mode"));
        String out = MountFixture.run(bucket, "getfattr", "-d", "mounted.txt");
        assertFalse(out.contains("user.mode"), out);
        assertFalse(out.contains("user.mtime"), out);
        assertTrue(out.contains("user.s3.etag"), out);
    }

    @Test
    @DisplayName("setfattr -n user.color -v blue stores x-amz-meta-color=blue; body, Content-Type and other metadata stay")
    void setUserMetadata() {
        put("set.txt", "unchanged body", Map.of("keep", "me"), "text/csv");
        MountFixture.run(bucket, "setfattr", "-n", "user.color", "-v", "blue", "set.txt");
        ObjectInfo after = head("set.txt");
        assertEquals("blue", after.metadata().get("color"));
        assertEquals("me", after.metadata().get("keep"));
        assertEquals("text/csv", after.contentType());
        assertEquals("unchanged body", body("set.txt"));
        assertEquals("blue", value("set.txt", "user.color"));
    }

    @Test
    @DisplayName("setting user.s3.content-type changes Content-Type and keeps body and user metadata")
    void setContentType() {
        put("type.txt", "{\"a\": 1}", Map.of("keep", "me"), "text/plain");
        MountFixture.run(bucket, "setfattr", "-n", "user.s3.content-type", "-v", "application/json", "type.txt");
        ObjectInfo after = head("type.txt");
        assertEquals("application/json", after.contentType());
        assertEquals("me", after.metadata().get("keep"));
        assertEquals("{\"a\": 1}", body("type.txt"));
        assertEquals("application/json", value("type.txt", "user.s3.content-type"));
    }

    @Test
    @DisplayName("setfattr -x removes x-amz-meta-<name>; then the name is missing")
    void remove() {
        put("remove.txt", "x", Map.of("color", "red", "keep", "me"), "text/plain");
        MountFixture.run(bucket, "setfattr", "-x", "user.color", "remove.txt");
        ObjectInfo after = head("remove.txt");
        assertFalse(after.metadata().containsKey("color"));
        assertEquals("me", after.metadata().get("keep"));
        MountFixture.Result again = MountFixture.runAllowingFailure(bucket, "setfattr", "-x", "user.color", "remove.txt");
        assertNotEquals(0, again.exitCode());
        assertTrue(again.output().contains("No data available") || again.output().contains("No such attribute"), again.output());
    }

    @Test
    @DisplayName("a missing name is ENODATA")
    void missing() {
        put("missing.txt", "x", Map.of(), "text/plain");
        MountFixture.Result r = MountFixture.runAllowingFailure(bucket, "getfattr", "-n", "user.nothing", "missing.txt");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.output().contains("No such attribute") || r.output().contains("No data available"), r.output());
    }

    @Test
    @DisplayName("read-only system names are accepted and ignored (tools copy them); the POSIX keys refuse (EPERM)")
    void readOnly() {
        put("ro.txt", "x", Map.of(), "text/plain");
        String etag = head("ro.txt").etag();
        for (String name : new String[] {"user.s3.etag", "user.s3.key", "user.s3.size", "user.s3.last-modified", "user.s3.other"}) {
            MountFixture.run(bucket, "setfattr", "-n", name, "-v", "1", "ro.txt");
            MountFixture.run(bucket, "setfattr", "-x", name, "ro.txt");
        }
        assertEquals(etag, value("ro.txt", "user.s3.etag"), "nothing changed");
        for (String name : new String[] {"user.mode", "user.uid"}) {
            MountFixture.Result r = MountFixture.runAllowingFailure(bucket, "setfattr", "-n", name, "-v", "1", "ro.txt");
            assertNotEquals(0, r.exitCode(), name);
            assertTrue(r.output().contains("Operation not permitted"), name + ": " + r.output());
        }
        MountFixture.run(bucket, "setfattr", "-x", "user.s3.content-type", "ro.txt");
        assertEquals("text/plain", head("ro.txt").contentType(), "every object has a Content-Type: removing it keeps it");
        assertEquals(etag, head("ro.txt").etag());
        assertFalse(head("ro.txt").metadata().containsKey("mode"));
    }

    @Test
    @DisplayName("a name S3 cannot carry is EINVAL")
    void invalidName() {
        put("invalid.txt", "x", Map.of(), "text/plain");
        MountFixture.Result r = MountFixture.runAllowingFailure(bucket, "setfattr", "-n", "user.Color", "-v", "x", "invalid.txt");
        assertTrue(r.output().contains("Invalid argument"), r.output());
    }

    @Test
    @DisplayName("non-ASCII and empty values round-trip")
    void encodedValues() {
        put("text.txt", "x", Map.of(), "text/plain");
        MountFixture.run(bucket, "setfattr", "-n", "user.note", "-v", "grün und blau", "text.txt");
        assertEquals("grün und blau", value("text.txt", "user.note"));
        assertTrue(head("text.txt").metadata().get("note").startsWith("=?UTF-8?B?"), head("text.txt").metadata().toString());
        MountFixture.run(bucket, "setfattr", "-n", "user.empty", "-v", "", "text.txt");
        assertEquals("", value("text.txt", "user.empty"));
    }

    @Test
    @DisplayName("an implicit folder gets a marker with the attribute, which rmdir removes again")
    void implicitFolder() throws Exception {
        put("implicit/a.txt", "x", Map.of(), "text/plain");
        Path dir = bucket.resolve("implicit");
        assertTrue(Files.isDirectory(dir));
        assertEquals("s3://xattr/implicit/", value("implicit", "user.s3.key"));
        MountFixture.run(bucket, "setfattr", "-n", "user.color", "-v", "green", "implicit");
        assertEquals("green", head("implicit/").metadata().get("color"));
        assertEquals("green", value("implicit", "user.color"));
        Files.delete(dir.resolve("a.txt"));
        Files.delete(dir);
        assertFalse(fx.s3().head(BUCKET, "implicit/").isPresent(), "rmdir left the marker behind");
        assertFalse(Files.exists(dir));
    }

    @Test
    @DisplayName("a bucket has no attributes and takes none")
    void bucketFolder() {
        assertEquals("", MountFixture.run(fx.root(), "getfattr", "-d", BUCKET).trim());
        MountFixture.Result r = MountFixture.runAllowingFailure(fx.root(), "setfattr", "-n", "user.color", "-v", "x", BUCKET);
        assertNotEquals(0, r.exitCode());
        assertTrue(r.output().contains("Operation not supported"), r.output());
    }

    @Test
    @DisplayName("ls -l on a folder of objects with metadata works (it probes ACLs and labels)")
    void lsStillWorks() {
        put("ls/one.txt", "1", Map.of("color", "red"), "text/plain");
        String out = MountFixture.run(bucket, "ls", "-l", "ls");
        assertTrue(out.contains("one.txt"), out);
    }

    @Test
    @DisplayName("attribute probes of ls cost no request beyond its listing; getfattr costs HEADs only")
    void requestCounts() {
        put("count/one.txt", "1", Map.of("color", "red"), "text/plain");
        MountFixture.run(bucket, "ls", "-l", "count");
        fx.requests().reset();
        MountFixture.run(bucket, "ls", "-l", "count");
        assertEquals(Map.of("listPage", 1L), nonZero(fx.requests().counts()), "listings are fresh, attributes known");
        fx.requests().reset();
        MountFixture.run(bucket, "getfattr", "-n", "user.color", "count/one.txt");
        long one = fx.requests().count("head");
        fx.requests().reset();
        MountFixture.run(bucket, "getfattr", "-d", "count/one.txt");
        long dump = fx.requests().count("head");
        // One HEAD per call; the kernel asks for a value's size before the value: two calls per name.
        assertEquals(fx.requests().total(), dump, "only HEADs: " + fx.requests().counts());
        assertTrue(one <= 2, "getfattr -n: " + one + " HEADs");
        assertTrue(dump <= 2 + 2 * 6, "getfattr -d of 6 names: " + dump + " HEADs");
    }

    private static Map<String, Long> nonZero(Map<String, Long> counts) {
        Map<String, Long> left = new java.util.TreeMap<>(counts);
        left.values().removeIf(n -> n == 0);
        return left;
    }

    @Test
    @DisplayName("cp -a of a file with user attributes keeps them: set while unsaved, they go up with the upload")
    void copyPreservingAttributes(@TempDir Path local) {
        Path source = local.resolve("attrs.txt");
        MountFixture.run(local, "sh", "-c", "echo data > attrs.txt");
        MountFixture.run(local, "setfattr", "-n", "user.color", "-v", "red", "attrs.txt");
        fx.requests().reset();
        MountFixture.Result r = MountFixture.runAllowingFailure(local, "cp", "-a", source.toString(), bucket.resolve("copied.txt").toString());
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("", r.output().trim());
        assertEquals("data\n", body("copied.txt"));
        assertEquals("red", head("copied.txt").metadata().get("color"));
        assertEquals(0, fx.requests().count("copy"), "stored with the upload, no copy after it: " + fx.requests().counts());
    }

    @Test
    @DisplayName("the body is byte-identical after a Content-Type rewrite")
    void rewriteKeepsBytes() throws Exception {
        byte[] data = new byte[300_000];
        new java.util.Random(7).nextBytes(data);
        ObjectInfo before = fx.s3().put(BUCKET, "bytes.bin", data, Map.of("keep", "me"), "application/octet-stream");
        MountFixture.run(bucket, "setfattr", "-n", "user.s3.content-type", "-v", "image/png", "bytes.bin");
        ObjectInfo after = head("bytes.bin");
        assertEquals("image/png", after.contentType());
        assertEquals(before.etag(), after.etag());
        assertArrayEquals(data, Files.readAllBytes(bucket.resolve("bytes.bin")));
    }
}
