package io.localstackmount.fuse;

import java.time.Duration;

/**
 * How to mount.
 *
 * @param allowOther  let other users see the mount (FUSE's allow_other)
 * @param readOnly    mount read-only at the kernel too, so writes fail before reaching us
 * @param debug       one log line per operation with its result and time
 * @param busyTimeout how long unmount retries while the mount is busy before detaching it lazily
 */
public record MountSettings(boolean allowOther, boolean readOnly, boolean debug, Duration busyTimeout) {
}
