package io.localstackmount.fuse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libfuse's request loop, run on Java threads. {@code fuse_main} would read requests on threads
 * libfuse starts itself; jffi then attaches each of them to the JVM for every single callback and
 * detaches it after, so every FUSE request made a new {@code java.lang.Thread} (and lost every
 * thread-local cache: the SDK's, the JIT's profile of nothing). Threads started here are attached
 * once, for good: each reads requests from the FUSE channel and processes them, as libfuse's own
 * multithreaded loop does, until the filesystem is unmounted.
 */
final class FuseLoop {
    private static final Logger LOG = LoggerFactory.getLogger(FuseLoop.class);
    private static final int EINTR = Errno.EINTR.intValue();
    private static final int EAGAIN = Errno.EAGAIN.intValue();

    private final LibFuseSession lib;
    private final Pointer session;
    private final Pointer channel;
    private final long bufferSize;
    private final CountDownLatch anyStopped = new CountDownLatch(1);

    private FuseLoop(LibFuseSession lib, Pointer session, Pointer channel, long bufferSize) {
        this.lib = lib;
        this.session = session;
        this.channel = channel;
        this.bufferSize = bufferSize;
    }

    /**
     * Mounts with {@code args} (as fuse_main takes them), serves requests on {@code threads} threads
     * until the filesystem is unmounted, then tears down. Returns 1 when libfuse could not mount (it
     * says why on stderr), else 0.
     */
    static int run(Struct operations, String[] args, Path mountPoint, int threads) {
        LibFuseSession lib = load();
        PointerByReference mountpointRef = new PointerByReference();
        Pointer fuse = lib.fuse_setup(args.length, args, Struct.getMemory(operations), Struct.size(operations),
                mountpointRef, new IntByReference(), null);
        if (fuse == null) {
            return 1;
        }
        try {
            Pointer session = lib.fuse_get_session(fuse);
            Pointer channel = lib.fuse_session_next_chan(session, null);
            new FuseLoop(lib, session, channel, lib.fuse_chan_bufsize(channel)).serve(mountPoint, threads);
        } finally {
            lib.fuse_teardown(fuse, mountpointRef.getValue());
        }
        return 0;
    }

    private static LibFuseSession load() {
        try {
            return LibraryLoader.create(LibFuseSession.class).failImmediately().load("fuse");
        } catch (UnsatisfiedLinkError e) {
            return LibraryLoader.create(LibFuseSession.class).failImmediately().load("libfuse.so.2");
        }
    }

    private void serve(Path mountPoint, int threads) {
        List<Thread> workers = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(this::work, "fuse-" + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        awaitUninterruptibly(anyStopped);
        // Unmounted: every worker's read answers at once. Any other reason to stop leaves the others
        // blocked in read until the kernel connection goes away; tear-down must wait for them.
        lib.fuse_session_exit(session);
        for (Thread worker : workers) {
            joinOrDetach(worker, mountPoint);
        }
    }

    private void work() {
        Runtime runtime = Runtime.getSystemRuntime();
        Pointer buffer = Memory.allocateDirect(runtime, (int) bufferSize);
        // Reused for every request: a PointerByReference per request was most of this loop's garbage.
        Pointer channelSlot = Memory.allocateDirect(runtime, runtime.addressSize());
        try {
            while (lib.fuse_session_exited(session) == 0) {
                channelSlot.putAddress(0, channel.address());
                int length = lib.fuse_chan_recv(channelSlot, buffer, bufferSize);
                if (length == -EINTR || length == -EAGAIN) {
                    continue;
                }
                if (length <= 0) {
                    if (length < 0) {
                        LOG.error("reading FUSE requests failed: errno {}; stopping", -length);
                    }
                    return;
                }
                long from = channelSlot.getAddress(0);
                lib.fuse_session_process(session, buffer, length, from == channel.address() ? channel : channelSlot.getPointer(0));
            }
        } finally {
            anyStopped.countDown();
        }
    }

    private static void joinOrDetach(Thread worker, Path mountPoint) {
        try {
            worker.join(TimeUnit.SECONDS.toMillis(2));
            if (worker.isAlive()) {
                LOG.warn("{} still has FUSE requests to read; detaching it lazily", mountPoint);
                FuseMount.detachLazily(mountPoint);
                worker.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
