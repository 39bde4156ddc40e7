package io.localstackmount.testkit;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time that moves only when a test says so: a Caffeine {@link Ticker} for the namespace's caches
 * and a {@link Clock} on the same timeline for the fake store's Last-Modified and mount time.
 */
public final class ManualTime implements Ticker {
    public static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

    private final AtomicLong nanos = new AtomicLong();

    /** Time at {@link #START}, standing still until advanced. */
    public ManualTime() {
    }

    @Override
    public long read() {
        return nanos.get();
    }

    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    public void advanceMillis(long millis) {
        advance(Duration.ofMillis(millis));
    }

    public Instant now() {
        return START.plusNanos(nanos.get());
    }

    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }
}
