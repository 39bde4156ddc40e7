package io.localstackmount.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Smoke test of the fixture: a bucket made through S3 shows up, a file written through the mount lands in S3. */
class BasicMountIT {
    private static MountFixture fx;

    @BeforeAll
    static void mount() {
        fx = MountFixture.start();
    }

    @AfterAll
    static void unmount() {
        fx.close();
    }

    @Test
    void writeThroughMountReadThroughS3() throws Exception {
        Path bucket = fx.bucket("smoke");
        Files.writeString(bucket.resolve("hello.txt"), "hello");
        assertTrue(fx.s3().head("smoke", "hello.txt").isPresent());
        assertEquals("hello", Files.readString(bucket.resolve("hello.txt")));
    }
}
