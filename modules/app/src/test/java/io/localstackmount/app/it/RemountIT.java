package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.core.CountingObjectStore;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a user sees after unmounting and mounting again, and what that costs, on a real mount: modes,
 * symlinks and folder modes survive with the default configuration, and `ls -l` of a folder costs its
 * listing plus one HEAD per object the first time only. Another client's changes show at the next `ls`.
 *
 * <pre>
 *   remount/                       bucket
 *     keep/x.txt (640) lnk -> x.txt d/ (700)      written through the mount
 *     many/f0000 ... f0999         1,000 objects put through S3, no POSIX metadata
 * </pre>
 */
class RemountIT {
    private static final String BUCKET = "remount";
    private static final int COUNT = 1000;
    private static MountFixture fx;
    private static Path bucket;

    @BeforeAll
    static void mount() throws Exception {
        // A long TTL, so that a loaded machine cannot make a step look up again what the step before learnt.
        fx = MountFixture.start(S3ProxyServer.builder().inMemory().start(), b -> b.metadataTtl(Duration.ofSeconds(60)));
        bucket = fx.bucket(BUCKET);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                String key = String.format("many/f%04d", i);
                puts.add(pool.submit(() -> fx.s3().put(BUCKET, key, key.getBytes(UTF_8), Map.of(), "text/plain")));
            }
            for (Future<?> f : puts) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    @AfterAll
    static void unmount() {
        fx.close();
    }

    @Test
    @DisplayName("modes, a symlink and a folder's mode survive a remount; and with the remembered metadata gone, HEADs bring them back")
    void attributesSurvive() throws IOException {
        Path keep = Files.createDirectories(bucket.resolve("keep"));
        Files.writeString(keep.resolve("x.txt"), "hello");
        MountFixture.run(keep, "chmod", "640", "x.txt");
        MountFixture.run(keep, "ln", "-s", "x.txt", "lnk");
        MountFixture.run(keep, "mkdir", "d");
        MountFixture.run(keep, "chmod", "700", "d");

        fx.remount();
        assertKept(keep);

        // Another machine, or a wiped cache: only S3 knows.
        deleteTree(fx.cacheDir().resolve("metadata"));
        fx.remount();
        MountFixture.run(bucket, "stat", "keep"); // the folder itself, from the bucket's listing
        CountingObjectStore requests = fx.requests();
        requests.reset();
        assertKept(keep);
        assertEquals(3, requests.count("head"), "x.txt, lnk and the marker of d: " + requests.counts());
    }

    private static void assertKept(Path keep) throws IOException {
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(keep.resolve("x.txt"), LinkOption.NOFOLLOW_LINKS)));
        assertTrue(Files.isSymbolicLink(keep.resolve("lnk")), "lnk is a symlink");
        assertEquals(Path.of("x.txt"), Files.readSymbolicLink(keep.resolve("lnk")));
        assertEquals("hello", Files.readString(keep.resolve("lnk")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keep.resolve("d"))));
    }

    @Test
    @DisplayName("ls -l of 1,000 objects: 1 LIST and 1,000 HEADs the first time, 1 LIST after, also after a remount; find lists only")
    void lsLongBudget() {
        MountFixture.run(bucket, "stat", "many"); // the folder itself, from the bucket's listing: not what is measured
        CountingObjectStore requests = fx.requests();
        requests.reset();
        String out = MountFixture.run(bucket, "ls", "-l", "many");
        assertEquals(COUNT + 1, out.lines().count(), "a total line and one line per object");
        assertEquals(1, requests.count("listPage"), requests.counts().toString());
        assertEquals(COUNT, requests.count("head"), requests.counts().toString());
        assertEquals(COUNT + 1, requests.total(), requests.counts().toString());

        requests.reset();
        MountFixture.run(bucket, "ls", "-l", "many");
        assertEquals(Map.of("listPage", 1L), nonZero(requests), "the same unchanged objects again");

        fx.remount();
        MountFixture.run(bucket, "stat", "many");
        requests = fx.requests();
        requests.reset();
        MountFixture.run(bucket, "ls", "-l", "many");
        assertEquals(Map.of("listPage", 1L), nonZero(requests), "after a remount");

        fx.remount();
        requests = fx.requests();
        requests.reset();
        String found = MountFixture.run(bucket, "find", "many", "-type", "f");
        assertEquals(COUNT, found.lines().count());
        assertEquals(0, requests.count("head"), "find sends no HEAD: " + requests.counts());
    }

    @Test
    @DisplayName("an object and a folder another client creates right after an ls are listed by the next ls")
    void freshListing() {
        Path fresh = bucket.resolve("fresh");
        MountFixture.run(bucket, "mkdir", "fresh");
        assertEquals("", MountFixture.run(fresh, "ls"));
        fx.s3().put(BUCKET, "fresh/new.txt", "by another client".getBytes(UTF_8), Map.of(), "text/plain");
        fx.s3().put(BUCKET, "fresh/sub/inner.txt", "x".getBytes(UTF_8), Map.of(), "text/plain");
        assertEquals("new.txt\nsub\n", MountFixture.run(fresh, "ls"));
        assertEquals("by another client", MountFixture.run(fresh, "cat", "new.txt"));
        fx.s3().delete(BUCKET, "fresh/new.txt");
        assertEquals("sub\n", MountFixture.run(fresh, "ls"));
    }

    private static Map<String, Long> nonZero(CountingObjectStore requests) {
        Map<String, Long> counts = new java.util.TreeMap<>(requests.counts());
        counts.values().removeIf(n -> n == 0);
        return counts;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
