package io.localstackmount.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs one action per item on the shared workers with at most {@code limit} in flight: {@code limit}
 * lanes (the calling thread is one of them) take the next item until none is left. Failures are
 * collected per item, never thrown, so the caller decides what a partial result means. Shared by
 * core (folder renames) and plugins (folder walks).
 */
public final class Parallel {

    /** An item whose action threw. */
    public record Failure<T>(T item, RuntimeException error) {
    }

    private Parallel() {
    }

    /**
     * Runs {@code action} on every item and returns the failures, in no particular order. With
     * {@code stopOnFailure}, items not yet started when one fails are skipped (not reported).
     */
    public static <T> List<Failure<T>> run(ExecutorService workers, int limit, List<T> items, Consumer<T> action,
                                    boolean stopOnFailure) {
        List<Failure<T>> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Runnable lane = () -> {
            while (!stop.get()) {
                int i = next.getAndIncrement();
                if (i >= items.size()) {
                    return;
                }
                T item = items.get(i);
                try {
                    action.accept(item);
                } catch (RuntimeException e) {
                    failures.add(new Failure<>(item, e));
                    if (stopOnFailure) {
                        stop.set(true);
                    }
                }
            }
        };
        int lanes = Math.min(limit, items.size());
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (int i = 1; i < lanes; i++) {
            try {
                started.add(CompletableFuture.runAsync(lane, workers));
            } catch (RejectedExecutionException e) {
                break; // the workers are shutting down: the lanes already running, and this thread, do the rest
            }
        }
        lane.run();
        for (CompletableFuture<Void> f : started) {
            try {
                f.join();
            } catch (CompletionException e) {
                // Only an Error escapes a lane; let it surface as it is.
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            }
        }
        return List.copyOf(failures);
    }
}
