package io.localstackmount.fuse;

import io.localstackmount.api.Errno;
import java.util.EnumMap;
import java.util.Map;
import ru.serce.jnrfuse.ErrorCodes;

/** Errno names to this platform's numbers: the one place they are decided. */
final class ErrnoNumbers {
    private static final Map<Errno, Integer> NUMBERS = new EnumMap<>(Errno.class);

    static {
        NUMBERS.put(Errno.EPERM, ErrorCodes.EPERM());
        NUMBERS.put(Errno.ENOENT, ErrorCodes.ENOENT());
        NUMBERS.put(Errno.EIO, ErrorCodes.EIO());
        NUMBERS.put(Errno.EBADF, ErrorCodes.EBADF());
        NUMBERS.put(Errno.EACCES, ErrorCodes.EACCES());
        NUMBERS.put(Errno.EEXIST, ErrorCodes.EEXIST());
        NUMBERS.put(Errno.EXDEV, ErrorCodes.EXDEV());
        NUMBERS.put(Errno.ENOTDIR, ErrorCodes.ENOTDIR());
        NUMBERS.put(Errno.EISDIR, ErrorCodes.EISDIR());
        NUMBERS.put(Errno.EINVAL, ErrorCodes.EINVAL());
        NUMBERS.put(Errno.EFBIG, ErrorCodes.EFBIG());
        NUMBERS.put(Errno.ENOSPC, ErrorCodes.ENOSPC());
        NUMBERS.put(Errno.EROFS, ErrorCodes.EROFS());
        NUMBERS.put(Errno.ERANGE, ErrorCodes.ERANGE());
        NUMBERS.put(Errno.ENAMETOOLONG, ErrorCodes.ENAMETOOLONG());
        NUMBERS.put(Errno.ENOSYS, ErrorCodes.ENOSYS());
        NUMBERS.put(Errno.ENOTEMPTY, ErrorCodes.ENOTEMPTY());
        NUMBERS.put(Errno.ENODATA, ErrorCodes.ENODATA());
        // jnr-constants maps ENOTSUP to 45 (EL2NSYNC on Linux); Linux's ENOTSUP is EOPNOTSUPP.
        NUMBERS.put(Errno.ENOTSUP, ErrorCodes.EOPNOTSUPP());
    }

    private ErrnoNumbers() {
    }

    static int of(Errno errno) {
        return NUMBERS.get(errno);
    }

    /** ENOTCONN: not a filesystem's answer but the host's, once the mount no longer serves (as the kernel's after the process is gone). */
    static int notConnected() {
        return ErrorCodes.ENOTCONN();
    }
}
