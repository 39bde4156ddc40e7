package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.ObjectInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tools that copy attributes, on a real mount: {@code cp -a}, {@code mv} (which copies when
 * rename answers EXDEV, as for a bucket) and {@code rsync -aX}, into, out of and within the mount.
 * Each must exit 0 without a word and keep the user metadata ({@code user.color}), although they
 * also copy (and rsync removes) the read-only {@code user.s3.*} names. And the Content-Type: one
 * guessed from a name follows the final name ({@code sed -i}, a temporary file renamed over the
 * file), a chosen one stays.
 *
 * <pre>
 *   local/tree/a.txt      user.color=red          (a folder on the local disk, per test)
 *   local/tree/sub/b.html user.color=blue
 *   tools/                bucket
 * </pre>
 */
class CopyToolsIT {
    private static final String BUCKET = "tools";
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

    /** Runs a tool; it must exit 0 and print nothing, as on a local disk. */
    private static void quietly(Path dir, String... command) {
        MountFixture.Result r = MountFixture.runAllowingFailure(dir, command);
        assertEquals(0, r.exitCode(), String.join(" ", command) + ":\n" + r.output());
        assertEquals("", r.output().trim(), String.join(" ", command) + " printed warnings");
    }

    private static Path tree(Path local) {
        Path tree = local.resolve("tree");
        MountFixture.run(local, "sh", "-c", "mkdir -p tree/sub && echo alpha > tree/a.txt && echo '<p>beta</p>' > tree/sub/b.html");
        MountFixture.run(local, "setfattr", "-n", "user.color", "-v", "red", "tree/a.txt");
        MountFixture.run(local, "setfattr", "-n", "user.color", "-v", "blue", "tree/sub/b.html");
        return tree;
    }

    private static ObjectInfo head(String key) {
        return fx.s3().head(BUCKET, key).orElseThrow(() -> new AssertionError("no object " + key));
    }

    private static String attr(Path file, String name) {
        return MountFixture.run(file.getParent(), "getfattr", "--only-values", "-n", name, file.getFileName().toString());
    }

    /** The tree's content and user metadata arrived at {@code prefix} in the bucket. */
    private static void inBucket(String prefix) {
        assertEquals("red", head(prefix + "a.txt").metadata().get("color"));
        assertEquals("blue", head(prefix + "sub/b.html").metadata().get("color"));
        assertEquals("text/plain", head(prefix + "a.txt").contentType());
        assertEquals("text/html", head(prefix + "sub/b.html").contentType());
    }

    /** The tree's content and user metadata arrived in the local folder {@code dir}. */
    private static void onDisk(Path dir) throws Exception {
        assertEquals("alpha\n", Files.readString(dir.resolve("a.txt"), UTF_8));
        assertEquals("red", attr(dir.resolve("a.txt"), "user.color"));
        assertEquals("blue", attr(dir.resolve("sub/b.html"), "user.color"));
    }

    @Nested
    @DisplayName("cp -a")
    class Cp {
        @Test
        @DisplayName("into the mount, out of it and within it: exit 0, silent, user metadata kept")
        void cp(@TempDir Path local) throws Exception {
            Path tree = tree(local);
            quietly(local, "cp", "-a", tree.toString(), bucket.resolve("cp-in").toString());
            inBucket("cp-in/");
            quietly(local, "cp", "-a", bucket.resolve("cp-in").toString(), local.resolve("cp-out").toString());
            onDisk(local.resolve("cp-out"));
            quietly(bucket, "cp", "-a", "cp-in", "cp-within");
            inBucket("cp-within/");
        }
    }

    @Nested
    @DisplayName("mv")
    class Mv {
        @Test
        @DisplayName("into the mount, out of it, and a bucket renamed (EXDEV: mv copies): exit 0, silent, metadata kept")
        void mv(@TempDir Path local) throws Exception {
            Path tree = tree(local);
            quietly(local, "mv", tree.toString(), bucket.resolve("mv-in").toString());
            inBucket("mv-in/");
            assertFalse(Files.exists(tree));
            quietly(local, "mv", bucket.resolve("mv-in").toString(), local.resolve("mv-out").toString());
            onDisk(local.resolve("mv-out"));
            assertFalse(fx.s3().head(BUCKET, "mv-in/a.txt").isPresent());

            Path other = fx.bucket("tools-mv-source");
            quietly(local, "cp", "-a", local.resolve("mv-out").toString() + "/.", other.toString());
            quietly(fx.root(), "mv", "tools-mv-source", "tools-mv-target");
            assertEquals("red", fx.s3().head("tools-mv-target", "a.txt").orElseThrow().metadata().get("color"));
            assertFalse(Files.exists(fx.root().resolve("tools-mv-source")));
        }
    }

    @Nested
    @DisplayName("rsync -aX")
    class Rsync {
        @Test
        @DisplayName("into the mount, out of it and within it: exit 0, silent, metadata kept, a second run has nothing to do")
        void rsync(@TempDir Path local) throws Exception {
            Path tree = tree(local);
            quietly(local, "rsync", "-aX", tree.toString() + "/", bucket.resolve("rs-in").toString() + "/");
            inBucket("rs-in/");
            quietly(local, "rsync", "-aX", tree.toString() + "/", bucket.resolve("rs-in").toString() + "/");
            quietly(local, "rsync", "-aX", bucket.resolve("rs-in").toString() + "/", local.resolve("rs-out").toString() + "/");
            onDisk(local.resolve("rs-out"));
            quietly(bucket, "rsync", "-aX", "rs-in/", "rs-within/");
            inBucket("rs-within/");
        }
    }

    @Nested
    @DisplayName("Content-Type")
    class ContentType {
        @Test
        @DisplayName("sed -i (a temporary file renamed over the file) keeps text/plain")
        void sedInPlace() throws Exception {
            Files.writeString(bucket.resolve("sed.txt"), "one\n");
            assertEquals("text/plain", head("sed.txt").contentType());
            quietly(bucket, "sed", "-i", "s/one/two/", "sed.txt");
            assertEquals("two\n", Files.readString(bucket.resolve("sed.txt")));
            assertEquals("text/plain", head("sed.txt").contentType());
        }

        @Test
        @DisplayName("a guessed type follows the new name; a chosen one (setfattr, or another client's) stays")
        void rename() throws Exception {
            Files.writeString(bucket.resolve("page.txt"), "x");
            quietly(bucket, "mv", "page.txt", "page.html");
            assertEquals("text/html", head("page.html").contentType());

            Files.writeString(bucket.resolve("chosen.txt"), "x");
            quietly(bucket, "setfattr", "-n", "user.s3.content-type", "-v", "text/markdown", "chosen.txt");
            quietly(bucket, "mv", "chosen.txt", "chosen.html");
            assertEquals("text/markdown", head("chosen.html").contentType());

            fx.s3().put(BUCKET, "other.bin", "x".getBytes(UTF_8), Map.of(), "application/vnd.custom");
            quietly(bucket, "mv", "other.bin", "other.txt");
            assertEquals("application/vnd.custom", head("other.txt").contentType());
        }

        @Test
        @DisplayName("a type set while the file is still being written goes up with it")
        void setWhileWriting(@TempDir Path local) {
            MountFixture.run(local, "sh", "-c", "echo '{}' > data.json && setfattr -n user.s3.content-type -v application/vnd.x+json data.json");
            quietly(local, "cp", "-a", local.resolve("data.json").toString(), bucket.resolve("data.json").toString());
            assertEquals("application/vnd.x+json", head("data.json").contentType());
        }
    }
}
