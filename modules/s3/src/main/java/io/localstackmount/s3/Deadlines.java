package io.localstackmount.s3;

import java.time.Duration;
import java.util.Locale;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/**
 * How long one S3 request may take, by how many bytes it moves. The rule:
 * <pre>
 *   request moving no data (HEAD, LIST, DELETE, start/abort an upload)
 *       each attempt   s3.attempt-timeout
 *       whole call     s3.call-timeout, every retry and backoff included
 *   request moving n bytes (GET, PUT, a part, a server-side copy; completing an upload of p parts
 *   counts as p x 5 MiB, S3's smallest part)
 *       both bounds    + n / s3.min-throughput
 * </pre>
 * So a stat or ls waits at most the call timeout, and an 8 MiB part or a 5 GiB copy has time to move
 * at the minimum throughput while a server that trickles bytes is still given up on. The SDK enforces
 * the bounds until a response's headers arrive; {@link DeadlineBody} holds a streamed body to the
 * same call deadline.
 */
final class Deadlines {
    /** S3's smallest part (but the last): what each part of an upload being completed is assumed to hold. */
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;

    private final Duration attempt;
    private final Duration call;
    private final long minThroughput;

    Deadlines(S3StoreConfig config) {
        this.attempt = config.attemptTimeout();
        this.call = config.callTimeout();
        this.minThroughput = config.minThroughput();
    }

    /** The bounds of a request that moves no data. */
    Budget metadata() {
        return new Budget(attempt, call, 0, Duration.ZERO);
    }

    /** The bounds of a request that moves {@code bytes} bytes (either way). */
    Budget transfer(long bytes) {
        long n = Math.max(0, bytes);
        Duration extra = Duration.ofMillis(Math.multiplyExact(n / minThroughput, 1000L) + (n % minThroughput) * 1000 / minThroughput);
        return new Budget(attempt.plus(extra), call.plus(extra), n, extra);
    }

    /** Completing a multipart upload: the server joins the parts, so it counts as a copy of their bytes. */
    Budget completion(int parts) {
        return transfer(Math.multiplyExact(Math.max(1, parts), MIN_PART_SIZE));
    }

    /**
     * The bounds of one request.
     *
     * @param attempt the longest one attempt may take
     * @param call    the longest the whole call may take
     * @param bytes   what it moves, for messages
     * @param extra   how much of each bound is for those bytes
     */
    record Budget(Duration attempt, Duration call, long bytes, Duration extra) {
        /** For a request's {@code overrideConfiguration}. */
        void apply(AwsRequestOverrideConfiguration.Builder o) {
            o.apiCallTimeout(call).apiCallAttemptTimeout(attempt);
        }

        /** {@code 3 s (s3.call-timeout), each attempt 1 s (s3.attempt-timeout)}, with the share of the bytes when there are any. */
        String describe() {
            if (bytes == 0) {
                return seconds(call) + " (s3.call-timeout), each attempt " + seconds(attempt) + " (s3.attempt-timeout)";
            }
            return seconds(call) + " (s3.call-timeout plus " + seconds(extra) + " for " + bytes + " bytes at s3.min-throughput),"
                    + " each attempt " + seconds(attempt);
        }

        private static String seconds(Duration d) {
            return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        }
    }
}
