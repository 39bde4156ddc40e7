package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.localstackmount.api.MountOptions;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A mount with umask 027: objects without POSIX metadata show 640, folders 750.
 *
 * <pre>
 *   umask/                 bucket made through S3
 *     plain.txt            put through S3
 *     implicit/x.txt       implicit folder
 *     marked/              marker object
 * </pre>
 */
class UmaskIT {
    private static final String BUCKET = "umask";
    private static MountFixture fx;
    private static Path bucket;

    @BeforeAll
    static void mount() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        fx = MountFixture.start(S3ProxyServer.start(), b -> b.options(new MountOptions(uid, gid, 0027, false)));
        bucket = fx.bucket(BUCKET);
        fx.s3().put(BUCKET, "plain.txt", "p".getBytes(UTF_8), Map.of(), "text/plain");
        fx.s3().put(BUCKET, "implicit/x.txt", "x".getBytes(UTF_8), Map.of(), "text/plain");
        fx.s3().put(BUCKET, "marked/", new byte[0], Map.of(), "application/x-directory");
    }

    @AfterAll
    static void unmount() {
        fx.close();
    }

    @Test
    @DisplayName("umask 027: files 640, implicit and marker folders and buckets 750")
    void modes() {
        String out = MountFixture.run(bucket, "stat", "-c", "%n %a", "plain.txt", "implicit", "implicit/x.txt", "marked", ".");
        assertEquals("""
                plain.txt 640
                implicit 750
                implicit/x.txt 640
                marked 750
                . 750
                """, out);
    }
}
