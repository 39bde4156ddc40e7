package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.core.CountingObjectStore;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
 * What the metadata cache saves in the listing-only mode ({@code metadata.head-unknown = false}),
 * counted with the mount's request counter: a listing fills the attributes of every entry. The TTL is long here so that a loaded machine cannot let the folder
 * itself expire between the steps; expiry is {@link CacheIT}'s job.
 *
 * <pre>
 *   listing/                        bucket made through S3
 *     many/f0000.txt ... f0999.txt  1,000 small objects put through S3 (their body is their key)
 * </pre>
 */
class ListingCostIT {
    private static final String BUCKET = "listing";
    private static final int COUNT = 1000;
    private static MountFixture fx;
    private static Path bucket;

    @BeforeAll
    static void mount() throws Exception {
        // In memory: 1,000 puts are faster than on S3Proxy's filesystem store.
        // The listing-only mode (metadata.head-unknown = false): RemountIT measures the default's HEADs.
        fx = MountFixture.start(S3ProxyServer.builder().inMemory().start(),
                b -> b.metadataTtl(Duration.ofSeconds(60)).headUnknown(false));
        bucket = fx.bucket(BUCKET);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                String key = String.format("many/f%04d.txt", i);
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
    @DisplayName("listing-only mode: ls -l of 1,000 objects costs its listing pages and no HEAD; stat of every entry right after costs nothing")
    void lsLongThenStat() throws IOException {
        CountingObjectStore requests = fx.requests();
        // Learn the folder itself first, from the bucket's listing: its own lookup is not what is measured.
        MountFixture.run(bucket, "ls");
        requests.reset();
        String out = MountFixture.run(bucket, "ls", "-l", "many");
        assertEquals(COUNT + 1, out.lines().count(), "ls -l prints a total line and one line per object");
        assertTrue(requests.count("listPage") <= 2, "ls -l of 1,000 objects: " + requests.counts());
        assertEquals(0, requests.count("head"), "ls -l of 1,000 objects: " + requests.counts());
        assertEquals(requests.count("listPage"), requests.total(), "ls -l of 1,000 objects: " + requests.counts());

        requests.reset();
        for (int i = 0; i < COUNT; i++) {
            Path file = bucket.resolve(String.format("many/f%04d.txt", i));
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            assertEquals(file.getFileName().toString().length() + "many/".length(), attrs.size(), file.toString());
        }
        assertEquals(0, requests.total(), "stat of 1,000 listed entries: " + requests.counts());
    }

    @Test
    @DisplayName("listing-only mode: an object with s3fs metadata shows the mount's defaults (listings carry none)")
    void defaultsWithoutHead() {
        fx.s3().put(BUCKET, "s3fs/tool.sh", "#!/bin/sh\n".getBytes(UTF_8),
                Map.of("mode", "33261", "uid", "1001", "gid", "1002", "mtime", "1577934245"), "text/x-sh");
        assertEquals("regular file 644\n", MountFixture.run(bucket, "stat", "-c", "%F %a", "s3fs/tool.sh"));
    }
}
