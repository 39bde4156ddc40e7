package io.localstackmount.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
    private final Deadlines deadlines = new Deadlines(S3StoreConfig.builder().build());

    @Test
    @DisplayName("a request that moves no data gets the attempt and call timeouts")
    void metadata() {
        assertEquals(Duration.ofSeconds(10), deadlines.metadata().attempt());
        assertEquals(Duration.ofSeconds(30), deadlines.metadata().call());
    }

    @Test
    @DisplayName("a transfer gets its bytes at 256 KiB/s more on both bounds: an 8 MiB part 32 s")
    void transfers() {
        Deadlines.Budget part = deadlines.transfer(8L << 20);
        assertEquals(Duration.ofSeconds(42), part.attempt());
        assertEquals(Duration.ofSeconds(62), part.call());
        assertEquals(Duration.ofMillis(30_500), deadlines.transfer(128 * 1024).call());
        assertEquals(Duration.ofSeconds(30 + 5 * 4096), deadlines.transfer(5L << 30).call(), "a 5 GiB CopyObject");
    }

    @Test
    @DisplayName("completing an upload counts as a copy of 5 MiB per part")
    void completion() {
        assertEquals(deadlines.transfer(3 * Deadlines.MIN_PART_SIZE), deadlines.completion(3));
        assertEquals(deadlines.transfer(Deadlines.MIN_PART_SIZE), deadlines.completion(0));
    }
}
