package io.localstackmount.core;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The HEADs that learn the metadata of one listing's entries, sent together the first time one of
 * them is looked up: {@code ls -l} asks for its entries one by one, and waiting for each HEAD in
 * turn would cost a round trip per entry. The entry asked for goes first, on the asking thread;
 * {@code lanes} threads take the others in listing order. A listing that nobody stats (find, ls
 * without -l) sends none. What a HEAD learns, the {@code learn} action records; a failed HEAD is
 * rethrown to whoever waits for that entry, and the next lookup asks again.
 */
final class HeadBatch {
    private final List<String> names;
    private final Consumer<String> learn;
    private final Executor executor;
    private final int lanes;
    private final ConcurrentHashMap<String, CompletableFuture<Void>> claimed = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();

    HeadBatch(List<String> names, Consumer<String> learn, Executor executor, int lanes) {
        this.names = List.copyOf(names);
        this.learn = learn;
        this.executor = executor;
        this.lanes = lanes;
    }

    /** Waits until the metadata of {@code name} was learnt (or failed); starts the batch the first time. */
    void await(String name) {
        claimAndWait(name, true);
    }

    /**
     * Waits until the metadata of {@code name} was learnt, asking for it alone when nobody has yet:
     * the kernel looks a folder up before {@code find} reads it, and that must not HEAD every file
     * beside it.
     */
    void awaitAlone(String name) {
        claimAndWait(name, false);
    }

    private void claimAndWait(String name, boolean startBatch) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = claimed.putIfAbsent(name, mine);
        if (startBatch && started.compareAndSet(false, true)) {
            startLanes();
        }
        if (other == null) {
            run(name, mine);
            join(mine);
        } else {
            join(other);
        }
    }

    private void startLanes() {
        for (int i = 0; i < Math.min(lanes, names.size()); i++) {
            try {
                executor.execute(this::lane);
            } catch (RejectedExecutionException e) {
                return; // shutting down: lookups still do their own HEAD
            }
        }
    }

    private void lane() {
        int i;
        // The unmount interrupts the lanes: the entries left are not asked for any more.
        while (!Thread.currentThread().isInterrupted() && (i = next.getAndIncrement()) < names.size()) {
            String name = names.get(i);
            CompletableFuture<Void> f = new CompletableFuture<>();
            if (claimed.putIfAbsent(name, f) == null) {
                run(name, f);
            }
        }
    }

    private void run(String name, CompletableFuture<Void> f) {
        try {
            learn.accept(name);
            f.complete(null);
        } catch (RuntimeException e) {
            claimed.remove(name, f); // the next lookup of this name asks again
            f.completeExceptionally(e);
        }
    }

    private static void join(CompletableFuture<Void> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof FsException fs) {
                throw fs;
            }
            throw new FsException(Errno.EIO, "looking up attributes failed: " + e.getCause(), e.getCause());
        }
    }
}
