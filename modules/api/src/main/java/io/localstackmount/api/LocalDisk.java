package io.localstackmount.api;

import java.io.IOException;

/**
 * The errno of a failed local-disk operation on staging or cache files: ENOSPC when the disk (or
 * the user's quota) is full, so that a writer sees "No space left on device" rather than a vague
 * I/O error, else EIO.
 */
public final class LocalDisk {
    private LocalDisk() {
    }

    /** {@code what} failed because of {@code e}: ENOSPC or EIO, with the disk's own words appended. */
    public static FsException failure(String what, IOException e) {
        if (isFull(e)) {
            return new FsException(Errno.ENOSPC, what + ": the staging disk is full (" + e.getMessage() + ")", e);
        }
        return new FsException(Errno.EIO, what + ": " + e, e);
    }

    /** True when {@code e} says the disk or the quota is full (ENOSPC, EDQUOT): the JDK gives only the message. */
    public static boolean isFull(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
