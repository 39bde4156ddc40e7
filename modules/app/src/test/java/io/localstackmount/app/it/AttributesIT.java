package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * What {@code stat} and {@code ls -l} show for objects that carry no POSIX metadata: size and
 * mtime from S3, the mounting user as owner, modes from the mount's umask 022.
 *
 * <pre>
 *   attrs/                 bucket made through S3
 *     sized.bin            1,234 bytes, put through S3
 *     dir/                 implicit folder (dir/inner.txt)
 *     marker/              marker object
 * </pre>
 */
class AttributesIT {
    private static final String BUCKET = "attrs";
    private static MountFixture fx;
    private static Path bucket;
    private static ObjectInfo sized;
    private static int uid;
    private static int gid;

    @BeforeAll
    static void mount() throws Exception {
        fx = MountFixture.start();
        bucket = fx.bucket(BUCKET);
        sized = fx.s3().put(BUCKET, "sized.bin", new byte[1234], Map.of(), "application/octet-stream");
        fx.s3().put(BUCKET, "dir/inner.txt", "inner".getBytes(UTF_8), Map.of(), "text/plain");
        fx.s3().put(BUCKET, "marker/", new byte[0], Map.of(), "application/x-directory");
        uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
    }

    @AfterAll
    static void unmount() {
        fx.close();
    }

    /** {@code stat -c FORMAT name} in the bucket, trimmed. */
    private static String stat(String format, String name) {
        return MountFixture.run(bucket, "stat", "-c", format, name).strip();
    }

    @Nested
    @DisplayName("stat of an object put through S3")
    class StatOfObject {
        @Test
        @DisplayName("shows the size and Last-Modified from S3")
        void sizeAndMtime() {
            ObjectInfo head = fx.s3().head(BUCKET, "sized.bin").orElseThrow();
            assertEquals("1234", stat("%s", "sized.bin"));
            assertEquals(String.valueOf(head.lastModified().getEpochSecond()), stat("%Y", "sized.bin"));
            assertEquals(sized.size(), head.size());
        }

        @Test
        @DisplayName("is a regular file with mode 644 owned by the mounting user")
        void typeModeOwner() {
            assertEquals("regular file 644 " + uid + " " + gid, stat("%F %a %u %g", "sized.bin"));
        }

        @Test
        @DisplayName("ls -l shows -rw-r--r--, the owner and the size")
        void lsLong() {
            String line = MountFixture.run(bucket, "ls", "-ln", "sized.bin").strip();
            assertTrue(line.startsWith("-rw-r--r-- 1 " + uid + " " + gid + " 1234 "), line);
        }
    }

    @Nested
    @DisplayName("stat of a folder")
    class StatOfFolder {
        @Test
        @DisplayName("an implicit folder is a directory with mode 755 owned by the mounting user")
        void implicitFolder() {
            assertEquals("directory 755 " + uid + " " + gid, stat("%F %a %u %g", "dir"));
        }

        @Test
        @DisplayName("a marker folder is a directory with mode 755")
        void markerFolder() {
            assertEquals("directory 755 " + uid + " " + gid, stat("%F %a %u %g", "marker"));
        }

        @Test
        @DisplayName("a bucket and the mount root are directories with mode 755")
        void bucketAndRoot() {
            assertEquals("directory 755 " + uid + " " + gid,
                    MountFixture.run(fx.root(), "stat", "-c", "%F %a %u %g", BUCKET).strip());
            assertEquals("directory 755", MountFixture.run(fx.root(), "stat", "-c", "%F %a", ".").strip());
        }

        @Test
        @DisplayName("ls -l shows drwxr-xr-x for folders")
        void lsLong() {
            String out = MountFixture.run(bucket, "ls", "-ln");
            assertTrue(out.lines().anyMatch(l -> l.startsWith("drwxr-xr-x") && l.endsWith(" dir")), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("drwxr-xr-x") && l.endsWith(" marker")), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("-rw-r--r--") && l.endsWith(" sized.bin")), out);
        }
    }
}
