package io.localstackmount.fuse;

import java.time.Duration;

/**
 * How to mount.
 *
 * @param allowOther   let other users see the mount (FUSE's allow_other)
 * @param readOnly     mount read-only at the kernel too, so writes fail before reaching us
 * @param debug        one log line per operation with its result and time
 * @param busyTimeout  how long unmount retries while the mount is busy before detaching it lazily
 * @param kernelCache  how long the kernel may reuse attributes and names it got from us; the
 *                     same as the metadata TTL, since our own caches answer that long anyway
 * @param nonempty     mount over a folder that is not empty (libfuse 2 refuses that unless asked)
 */
public record MountSettings(boolean allowOther, boolean readOnly, boolean debug, Duration busyTimeout, Duration kernelCache,
                            boolean nonempty) {

    /** libfuse's default of one second for the kernel's caches. */
    public MountSettings(boolean allowOther, boolean readOnly, boolean debug, Duration busyTimeout) {
        this(allowOther, readOnly, debug, busyTimeout, Duration.ofSeconds(1));
    }

    /** Only over an empty folder, as libfuse 2 by default. */
    public MountSettings(boolean allowOther, boolean readOnly, boolean debug, Duration busyTimeout, Duration kernelCache) {
        this(allowOther, readOnly, debug, busyTimeout, kernelCache, false);
    }
}
