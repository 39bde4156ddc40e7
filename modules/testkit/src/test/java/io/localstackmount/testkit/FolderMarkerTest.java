package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder's attributes live in its marker ({@code d/}), which its parent's listing does not show:
 * what the mount remembers of a marker is checked when the folder's own listing shows it, or shows
 * that it is gone.
 *
 * <pre>
 *   b/
 *     d/      marker with mode 0700, put and later deleted by another client
 *     d/x     keeps d as an implicit folder
 * </pre>
 */
class FolderMarkerTest {
    @TempDir
    Path dir;
    private TestMount m;

    @BeforeEach
    void mount() {
        m = TestMount.builder(dir).buckets("b").start();
        m.s3().put("b", "d/", new byte[0], Map.of("mode", String.valueOf(040700)), "application/x-directory");
        m.s3().with("b", "d/x", "x");
    }

    @AfterEach
    void unmount() {
        m.close();
    }

    @Test
    @DisplayName("a marker another client deletes: the folder's next listing shows it, and its stat falls back to the defaults")
    void markerDeletedByAnotherClient() {
        assertEquals(0700, m.stat("/b/d").mode());
        m.s3().delete("b", "d/");
        m.time().advance(Duration.ofSeconds(3)); // past the TTL of the folder's node
        m.ls("/b/d");
        m.ls("/b");
        assertEquals(0755, m.stat("/b/d").mode());
    }

    @Test
    @DisplayName("a marker another client changes (chmod by s3fs): seen once the folder's own listing shows its new version")
    void markerChangedByAnotherClient() {
        assertEquals(0700, m.stat("/b/d").mode());
        m.time().advance(Duration.ofSeconds(2)); // a new Last-Modified second for the new marker
        m.s3().put("b", "d/", new byte[0], Map.of("mode", String.valueOf(040750)), "application/x-directory");
        m.time().advance(Duration.ofSeconds(3));
        m.ls("/b/d");
        m.ls("/b");
        assertEquals(0750, m.stat("/b/d").mode());
    }
}
