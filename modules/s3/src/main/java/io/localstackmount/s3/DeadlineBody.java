package io.localstackmount.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * A streamed response body held to its call's deadline. The SDK's timeouts end once the headers
 * have arrived, so a server that sends them and then trickles or stalls the body would hold the
 * reader forever (a trickle never trips the socket timeout). Past the deadline the body is aborted
 * (its connection closed, never reused) and every read fails with a message saying what timed out,
 * even one that the abort turned into a quiet end of stream.
 */
final class DeadlineBody extends FilterInputStream {
    private final ResponseInputStream<?> body;
    private final ScheduledFuture<?> timer;
    private final String what;
    private volatile boolean expired;

    /**
     * @param remainingNanos time left until the call's deadline
     * @param what           for the message: {@code no complete answer within 3.5 s (...)}
     */
    DeadlineBody(ResponseInputStream<?> body, ScheduledExecutorService timers, long remainingNanos, String what) {
        super(body);
        this.body = body;
        this.what = what;
        this.timer = timers.schedule(this::expire, Math.max(0, remainingNanos), TimeUnit.NANOSECONDS);
    }

    private void expire() {
        expired = true;
        body.abort();
    }

    @Override
    public int read() throws IOException {
        try {
            return checked(super.read());
        } catch (IOException e) {
            throw timedOutOr(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return checked(super.read(b, off, len));
        } catch (IOException e) {
            throw timedOutOr(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            long skipped = super.skip(n);
            checked(0);
            return skipped;
        } catch (IOException e) {
            throw timedOutOr(e);
        }
    }

    private int checked(int result) throws IOException {
        if (expired) {
            throw timedOut();
        }
        return result;
    }

    private IOException timedOutOr(IOException e) {
        if (!expired) {
            return e;
        }
        IOException t = timedOut();
        t.initCause(e);
        return t;
    }

    private IOException timedOut() {
        return new InterruptedIOException("timed out: no complete answer within " + what);
    }

    /** Stops the timer; an expired body is closed without draining it. */
    @Override
    public void close() throws IOException {
        timer.cancel(false);
        super.close();
    }

    /** Gives up on the rest of the body: its connection is closed rather than drained for reuse. */
    void abort() {
        body.abort();
    }
}
