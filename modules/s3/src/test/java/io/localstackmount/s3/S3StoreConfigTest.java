package io.localstackmount.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.s3.S3StoreConfig.ChecksumMode;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class S3StoreConfigTest {
    @Test
    void defaults() {
        S3StoreConfig c = S3StoreConfig.builder().build();
        assertEquals(URI.create("http://localhost:4566"), c.endpoint());
        assertTrue(c.pathStyle());
        assertEquals(ChecksumMode.WHEN_REQUIRED, c.requestChecksums());
        assertEquals(ChecksumMode.WHEN_REQUIRED, c.responseChecksums());
        assertFalse(c.chunkedEncoding());
        assertEquals(64, c.maxConnections());
        assertEquals(Duration.ofSeconds(2), c.connectTimeout());
        assertEquals(3, c.maxAttempts());
        assertEquals(Duration.ofSeconds(10), c.attemptTimeout());
        assertEquals(Duration.ofSeconds(30), c.callTimeout());
        assertEquals(256 * 1024, c.minThroughput());
    }

    @Test
    void pathStyleFollowsTheEndpointUnlessSet() {
        assertFalse(S3StoreConfig.builder().realAws().build().pathStyle());
        S3StoreConfig virtualHosted = S3StoreConfig.builder().pathStyle(false).build();
        assertFalse(virtualHosted.pathStyle());
        assertFalse(virtualHosted.toBuilder().endpoint(URI.create("http://x:1")).build().pathStyle());
        S3StoreConfig auto = S3StoreConfig.builder().build();
        assertFalse(auto.toBuilder().realAws().build().pathStyle(), "toBuilder keeps 'automatic'");
    }

    @Test
    void validation() {
        assertThrows(IllegalArgumentException.class, () -> S3StoreConfig.builder().staticCredentials("", "x").build());
        assertThrows(IllegalArgumentException.class, () -> S3StoreConfig.builder().profileCredentials(" ").build());
        assertThrows(IllegalArgumentException.class, () -> S3StoreConfig.builder().maxConnections(0).build());
        assertThrows(IllegalArgumentException.class, () -> S3StoreConfig.builder().endpoint(URI.create("localhost")).build());
    }

    @Test
    void timeoutsMustBePositiveAndAttemptsFitTheirCall() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1)}) {
            String m = assertThrows(IllegalArgumentException.class, () -> S3StoreConfig.builder().callTimeout(bad).build()).getMessage();
            assertTrue(m.contains("callTimeout must be more than 0"), m);
            assertThrows(IllegalArgumentException.class, () -> S3StoreConfig.builder().attemptTimeout(bad).build());
            assertThrows(IllegalArgumentException.class, () -> S3StoreConfig.builder().socketTimeout(bad).build());
            assertThrows(IllegalArgumentException.class, () -> S3StoreConfig.builder().connectTimeout(bad).build());
        }
        String m = assertThrows(IllegalArgumentException.class, () -> S3StoreConfig.builder()
                .attemptTimeout(Duration.ofSeconds(20)).callTimeout(Duration.ofSeconds(10)).build()).getMessage();
        assertTrue(m.contains("must not exceed callTimeout"), m);
        assertThrows(IllegalArgumentException.class, () -> S3StoreConfig.builder().minThroughput(0).build());
    }

    @Test
    void toStringMasksSecrets() {
        S3StoreConfig c = S3StoreConfig.builder().staticCredentials("AKIAEXAMPLE", "verysecret", "token123").build();
        assertFalse(c.toString().contains("verysecret"));
        assertFalse(c.toString().contains("token123"));
        assertFalse(c.toString().contains("AKIAEXAMPLE"));
        assertTrue(c.toString().contains("****MPLE/****"), c.toString());
        assertEquals(c, c.toBuilder().build());
    }
}
