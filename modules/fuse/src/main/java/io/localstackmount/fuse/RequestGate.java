package io.localstackmount.fuse;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admits FUSE requests, and ends a mount's service in two steps: first it refuses changes (so that
 * what is dirty can be flushed without more arriving), then it refuses everything and waits a
 * bounded time for the requests still being served, so that the store can be closed under none of
 * them. {@link FuseAdapter} asks it at the top of every callback; {@link FuseMount} moves it on.
 */
final class RequestGate {
    /** Why a request is not served. */
    enum Refusal {
        /** Changes are refused while the mount shuts down: EROFS. */
        CHANGES,
        /** The mount no longer serves at all: ENOTCONN, what the kernel answers once the process is gone. */
        ALL
    }

    private enum State { OPEN, NO_CHANGES, CLOSED }

    private volatile State state = State.OPEN;
    /** Requests admitted and not yet answered; counted before the state is read, so close() never misses one. */
    private final AtomicInteger inFlight = new AtomicInteger();

    /** Admits a request, or says why not; an admitted request must call {@link #exit()} when answered. */
    Refusal enter(boolean changes) {
        inFlight.incrementAndGet();
        State s = state;
        if (s == State.CLOSED || changes && s == State.NO_CHANGES) {
            exit();
            return s == State.CLOSED ? Refusal.ALL : Refusal.CHANGES;
        }
        return null;
    }

    void exit() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** From now on changes answer EROFS; reads are still served. True when this call made it so. */
    synchronized boolean refuseChanges() {
        if (state != State.OPEN) {
            return false;
        }
        state = State.NO_CHANGES;
        return true;
    }

    boolean closed() {
        return state == State.CLOSED;
    }

    /**
     * From now on every request answers ENOTCONN. Waits up to {@code patience} for the requests being
     * served (each is bounded by the store's deadlines, but those can be long); answers how many are
     * still being served then.
     */
    synchronized int close(Duration patience) {
        state = State.CLOSED;
        long deadline = System.nanoTime() + patience.toNanos();
        boolean interrupted = false;
        while (inFlight.get() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return inFlight.get();
    }
}
