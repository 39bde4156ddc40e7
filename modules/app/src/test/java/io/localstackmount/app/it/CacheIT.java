package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * How soon the metadata cache lets go of what another client changed, on a mount with the default
 * TTL (2 s). What the cache saves is {@link ListingCostIT}'s job.
 *
 * <pre>
 *   cache/                bucket made through S3
 *     other/              changed by the S3 client behind the mount's back
 * </pre>
 */
class CacheIT {
    private static final String BUCKET = "cache";
    /** Twice and a half the default TTL of 2 s. */
    private static final Duration PATIENCE = Duration.ofSeconds(5);
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

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Polls {@code condition} for up to {@link #PATIENCE}; returns how long it took. */
    private static Duration await(String what, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + PATIENCE.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static boolean listed(Path dir, String name) {
        try {
            return names(dir).contains(name);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Nested
    @DisplayName("changes by another client")
    class OtherClient {
        @Test
        @DisplayName("an object put through S3 appears within the TTL")
        void putAppears() throws Exception {
            fx.s3().put(BUCKET, "other/seed.txt", "seed".getBytes(UTF_8), Map.of(), "text/plain");
            Path dir = bucket.resolve("other");
            await("other/seed.txt showing", () -> Files.exists(dir.resolve("seed.txt")));
            // Now the folder's listing and the missing name are cached.
            assertFalse(listed(dir, "new.txt"));
            assertFalse(Files.exists(dir.resolve("new.txt")));
            fx.s3().put(BUCKET, "other/new.txt", "new".getBytes(UTF_8), Map.of(), "text/plain");
            Duration stat = await("other/new.txt showing in stat", () -> Files.exists(dir.resolve("new.txt")));
            Duration ls = await("other/new.txt showing in the listing", () -> listed(dir, "new.txt"));
            assertEquals("new", Files.readString(dir.resolve("new.txt")));
            System.out.println("CacheIT: a new object showed after " + stat.toMillis() + " ms (stat), "
                    + ls.toMillis() + " ms more (listing)");
        }

        @Test
        @DisplayName("an object deleted through S3 disappears within the TTL")
        void deleteDisappears() throws Exception {
            fx.s3().put(BUCKET, "other/doomed.txt", "doomed".getBytes(UTF_8), Map.of(), "text/plain");
            Path dir = bucket.resolve("other");
            Path doomed = dir.resolve("doomed.txt");
            await("other/doomed.txt showing", () -> Files.exists(doomed) && listed(dir, "doomed.txt"));
            fx.s3().delete(BUCKET, "other/doomed.txt");
            Duration stat = await("other/doomed.txt gone from stat", () -> !Files.exists(doomed));
            Duration ls = await("other/doomed.txt gone from the listing", () -> !listed(dir, "doomed.txt"));
            System.out.println("CacheIT: a deleted object went after " + stat.toMillis() + " ms (stat), "
                    + ls.toMillis() + " ms more (listing)");
        }
    }
}
