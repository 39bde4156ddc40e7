package io.localstackmount.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.ObjectInfo;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.time.Clock;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Copies over one CopyObject's limit become multipart copies. The limit is 5 GiB; here it is
 * lowered to 6 MiB so that a 13 MiB object takes that path on S3Proxy.
 */
@DisplayName("S3ObjectStore copies objects over the single-copy limit in parts")
class S3ObjectStoreMultipartCopyTest {
    private static final long LIMIT = 6L * 1024 * 1024;
    private static S3ProxyServer server;
    private static S3ObjectStore store;

    @BeforeAll
    static void start() {
        server = S3ProxyServer.start();
        S3Clients.Built built = S3Clients.build(server.config());
        store = new S3ObjectStore(built.client(), built, "us-east-1", "s3proxy", Clock.systemUTC(), LIMIT,
                new Deadlines(server.config()));
        store.createBucket("bkt");
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("content, metadata and Content-Type arrive; replaced metadata replaces")
    void copiesInParts() {
        byte[] body = new byte[13 * 1024 * 1024 + 5];
        new Random(1).nextBytes(body);
        store.put("bkt", "big", body, Map.of("mode", "0640"), "video/mp4");

        ObjectInfo kept = store.copy("bkt", "big", "bkt", "kept", null);
        ObjectInfo replaced = store.copy("bkt", "big", "bkt", "replaced", Map.of("mode", "0600"));

        assertEquals(body.length, kept.size());
        assertTrue(kept.etag().endsWith("-3"), "three parts of 6 MiB at most: " + kept.etag());
        byte[] back = new byte[body.length];
        assertEquals(body.length, store.read("bkt", "kept", 0, back, 0, body.length));
        assertArrayEquals(body, back);
        ObjectInfo head = store.head("bkt", "kept").orElseThrow();
        assertEquals(Map.of("mode", "0640"), head.metadata());
        assertTrue(head.contentType().startsWith("video/mp4"), head.contentType());
        assertEquals(Map.of("mode", "0600"), store.head("bkt", "replaced").orElseThrow().metadata());
        assertEquals(Map.of("mode", "0600"), replaced.metadata());
    }
}
