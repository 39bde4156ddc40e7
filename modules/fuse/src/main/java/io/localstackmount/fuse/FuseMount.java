package io.localstackmount.fuse;

import io.localstackmount.core.Dispatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kernel mount: starts libfuse's loop on its own thread, waits for the {@code init} callback
 * as the sign that the mount answers, and unmounts in a bounded time. Shutting down goes:
 * <pre>
 *   refuseChanges()   changes answer EROFS, reads are still served (the caller flushes what is dirty now)
 *   close()           fusermount -u, retried while busy (a shell sits in the mount) for busyTimeout,
 *                     then detached lazily, so no dead mount stays behind; then every request answers
 *                     ENOTCONN, and requests still being served get {@value #DRAIN_SECONDS} s to finish
 *   (the caller)      closes the filesystem and its store: no request is served any more
 * </pre>
 * After a lazy detach the processes still inside keep the kernel connection, so libfuse's loop runs
 * on until they leave or this process exits (which ends the connection): {@link #awaitUnmounted()}
 * returns once {@link #close()} has finished, without waiting for them.
 */
public final class FuseMount implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FuseMount.class);
    private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(20);
    /** How long requests being served at unmount may still take; longer ones answer EIO once the store closes. */
    private static final int DRAIN_SECONDS = 2;
    /** How long the loop gets to end after a clean unmount: the kernel answers its reads at once then. */
    private static final Duration LOOP_END = Duration.ofSeconds(5);

    private final Path mountPoint;
    private final MountSettings settings;
    private final Thread loop;
    private final RequestGate gate;
    /** Counted down when the loop ends or close() has finished, whichever comes first. */
    private final CountDownLatch over;
    private volatile boolean unmounted;

    private FuseMount(Path mountPoint, MountSettings settings, Thread loop, RequestGate gate, CountDownLatch over) {
        this.mountPoint = mountPoint;
        this.settings = settings;
        this.loop = loop;
        this.gate = gate;
        this.over = over;
    }

    /**
     * The native side of a mount, set up ahead of it: jnr-ffi generates libfuse's binding and one
     * class per callback at run time (about 0.3 s that class-data sharing cannot archive), which
     * {@link #prepare} starts on a thread of its own while the caller does other start-up work.
     * Unused, it costs nothing but a little native memory until the process exits.
     */
    public static final class Prepared {
        private final CompletableFuture<FuseAdapter> adapter;
        private final boolean debug;

        private Prepared(CompletableFuture<FuseAdapter> adapter, boolean debug) {
            this.adapter = adapter;
            this.debug = debug;
        }

        /** The prepared adapter, or a new one if preparing failed (the failure then repeats where it is reported). */
        private FuseAdapter take(boolean debugWanted) {
            if (debugWanted == debug) {
                try {
                    return adapter.join();
                } catch (CompletionException | CancellationException e) {
                    LOG.debug("preparing the FUSE binding failed; trying again", e);
                }
            }
            return new FuseAdapter(debugWanted);
        }
    }

    /** Starts building the FUSE binding for a later {@link #mount(Dispatcher, Path, MountSettings, Prepared)}. */
    public static Prepared prepare(MountSettings settings) {
        CompletableFuture<FuseAdapter> adapter = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                adapter.complete(new FuseAdapter(settings.debug()));
            } catch (Throwable e) { // UnsatisfiedLinkError without libfuse: mount() reports what is missing
                adapter.completeExceptionally(e);
            }
        }, "fuse-prepare");
        t.setDaemon(true);
        t.start();
        return new Prepared(adapter, settings.debug());
    }

    /** Mounts {@code fs} at {@code mountPoint} and returns once the kernel has called init. */
    @SuppressWarnings("exports") // core is exported to the app, the one module that mounts
    public static FuseMount mount(Dispatcher fs, Path mountPoint, MountSettings settings) throws IOException {
        return mount(fs, mountPoint, settings, null);
    }

    /** {@link #mount(Dispatcher, Path, MountSettings)} with the binding {@code prepared} earlier (or null). */
    @SuppressWarnings("exports") // core is exported to the app, the one module that mounts
    public static FuseMount mount(Dispatcher fs, Path mountPoint, MountSettings settings, Prepared prepared) throws IOException {
        List<String> problems = FusePrerequisites.problems(settings.allowOther());
        if (!problems.isEmpty()) {
            throw new IOException("cannot mount with FUSE:\n  - " + String.join("\n  - ", problems));
        }
        Path dir = mountPoint.toAbsolutePath().normalize();
        if (isMounted(dir)) {
            throw new IOException(dir + " is already a mount point; unmount it first: fusermount -u " + dir);
        }
        Files.createDirectories(dir);
        FuseAdapter adapter = prepared != null ? prepared.take(settings.debug()) : new FuseAdapter(settings.debug());
        adapter.bind(fs);
        String[] options = options(settings);
        AtomicReference<Throwable> loopFailure = new AtomicReference<>();
        CountDownLatch over = new CountDownLatch(1);
        Thread loop = new Thread(() -> {
            try {
                if (adapter.serve(dir, options) != 0) {
                    loopFailure.set(new IOException("libfuse could not mount " + dir + " (its reason is printed above)"));
                }
            } catch (Throwable t) {
                loopFailure.set(t);
            } finally {
                adapter.initialized().countDown();
                over.countDown();
            }
        }, "fuse-loop");
        loop.start();
        try {
            if (!adapter.initialized().await(MOUNT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IOException("the kernel did not answer the mount of " + dir + " within " + MOUNT_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while mounting " + dir, e);
        }
        Throwable failure = loopFailure.get();
        if (failure != null || !loop.isAlive()) {
            throw new IOException("mounting " + dir + " failed" + (failure == null ? "" : ": " + failure.getMessage())
                    + " (is the folder empty and not already mounted? run with --debug for libfuse's reason)", failure);
        }
        return new FuseMount(dir, settings, loop, adapter.gate(), over);
    }

    private static String[] options(MountSettings settings) {
        List<String> o = new ArrayList<>();
        // big_writes: 128 KiB write requests instead of 4 KiB (about 7x faster writes).
        // atomic_o_trunc: open(O_TRUNC) arrives as one open, not a separate truncate that would upload an empty object.
        o.add("fsname=localstackmount,subtype=localstackmount,big_writes,max_write=131072,atomic_o_trunc");
        // The kernel asks for every path component's attributes on every access unless it may keep them.
        double seconds = settings.kernelCache().toMillis() / 1000.0;
        o.add("entry_timeout=" + seconds + ",attr_timeout=" + seconds);
        if (settings.allowOther()) {
            // Other users go through the kernel's permission checks on our modes.
            o.add("allow_other,default_permissions");
        }
        if (settings.readOnly()) {
            o.add("ro");
        }
        if (settings.nonempty()) {
            o.add("nonempty");
        }
        List<String> args = new ArrayList<>();
        for (String opt : o) {
            args.add("-o");
            args.add(opt);
        }
        return args.toArray(String[]::new);
    }

    public Path mountPoint() {
        return mountPoint;
    }

    /**
     * Blocks until the mount goes away (unmounted by us, by fusermount -u, or by a signal to libfuse),
     * or until {@link #close()} has finished, even if processes inside a lazily detached mount keep
     * libfuse's loop alive.
     */
    public void awaitUnmounted() throws InterruptedException {
        over.await();
    }

    /** Changes answer EROFS from now on; reads are still served. The first step of shutting down. */
    public void refuseChanges() {
        if (gate.refuseChanges()) {
            LOG.info("unmounting {}: changes are refused (read-only) from now on", mountPoint);
        }
    }

    /**
     * Unmounts, retrying while busy, then detaching lazily; then stops serving (ENOTCONN) and gives
     * the requests still being served {@value #DRAIN_SECONDS} s. Finishes within busyTimeout plus a
     * few seconds; safe to call more than once.
     */
    @Override
    public synchronized void close() {
        if (unmounted) {
            return;
        }
        unmounted = true;
        refuseChanges();
        boolean detached = unmountOrDetach();
        int left = gate.close(Duration.ofSeconds(DRAIN_SECONDS));
        if (left > 0) {
            LOG.warn("{} requests were still being served {} s after unmounting {}; they answer EIO once the store closes",
                    left, DRAIN_SECONDS, mountPoint);
        }
        try {
            // After a lazy detach the loop serves (ENOTCONN) whoever is still inside until they leave or we exit.
            loop.join(detached ? 1 : LOOP_END.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (isMounted(mountPoint)) {
            LOG.error("{} is still mounted; run: fusermount -u -z {}", mountPoint, mountPoint);
        } else if (detached && loop.isAlive()) {
            LOG.info("detached {}: processes still inside it get 'Transport endpoint is not connected' (ENOTCONN)", mountPoint);
        } else {
            LOG.info("unmounted {}", mountPoint);
        }
        over.countDown();
    }

    /** fusermount -u while busy for at most busyTimeout, then -u -z; true when it had to detach lazily. */
    private boolean unmountOrDetach() {
        long deadline = System.nanoTime() + settings.busyTimeout().toNanos();
        boolean warned = false;
        while (isMounted(mountPoint)) {
            String error = fusermount(mountPoint, false);
            if (error == null) {
                return false;
            }
            if (!error.contains("busy")) {
                LOG.warn("fusermount -u {} failed: {}; detaching it lazily", mountPoint, error);
                detachLazily(mountPoint);
                return true;
            }
            if (!warned) {
                LOG.warn("{} is busy: a process has its current folder or an open file inside it (often a shell: cd out of it). "
                        + "Retrying for {} s; 'fusermount -u -z {}' detaches it at once.", mountPoint,
                        settings.busyTimeout().toSeconds(), mountPoint);
                warned = true;
            }
            if (System.nanoTime() > deadline) {
                LOG.warn("{} is still busy: detaching it lazily", mountPoint);
                detachLazily(mountPoint);
                return true;
            }
            sleep(500);
        }
        return false;
    }

    /** fusermount -u -z: detaches the mount at once, whatever still uses it; a failure is logged. */
    static void detachLazily(Path mountPoint) {
        String error = fusermount(mountPoint, true);
        if (error != null) {
            LOG.error("fusermount -u -z {} failed: {}", mountPoint, error);
        }
    }

    /**
     * Unmounts a mount this process does not serve ({@code localstackmount unmount} of a mount whose
     * process is gone): fusermount -u, or with {@code lazy} -u -z. Null on success, else what it printed.
     */
    public static String unmountOther(Path mountPoint, boolean lazy) {
        return fusermount(mountPoint, lazy);
    }

    /** Runs fusermount; null on success, else what it printed. */
    private static String fusermount(Path mountPoint, boolean lazy) {
        String bin = FusePrerequisites.fusermount().map(Path::toString).orElse("fusermount");
        List<String> cmd = new ArrayList<>(List.of(bin, "-u"));
        if (lazy) {
            cmd.add("-z");
        }
        cmd.add(mountPoint.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? null : (out.isEmpty() ? "exit code " + p.exitValue() : out);
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** True when /proc/mounts lists {@code dir} as a mount point. */
    public static boolean isMounted(Path dir) {
        return mountType(dir).isPresent();
    }

    /** The file system type /proc/mounts gives the mount at {@code dir} ({@code fuse.localstackmount}), if mounted. */
    public static java.util.Optional<String> mountType(Path dir) {
        String target = dir.toAbsolutePath().normalize().toString().replace(" ", "\\040");
        try {
            return Files.readAllLines(Path.of("/proc/mounts")).stream()
                    .map(l -> l.split(" "))
                    .filter(f -> f.length > 2 && f[1].equals(target))
                    .map(f -> f[2])
                    .reduce((first, last) -> last);
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
