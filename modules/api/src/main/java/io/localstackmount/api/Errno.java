package io.localstackmount.api;

/**
 * The POSIX error names this filesystem answers with. Only the FUSE host turns a name into a
 * number, so the rest of the code base never deals with platform errno values.
 */
public enum Errno {
    EPERM, ENOENT, EIO, EBADF, EACCES, EEXIST, EXDEV, ENOTDIR, EISDIR, EINVAL, EFBIG, ENOSPC,
    EROFS, ERANGE, ENAMETOOLONG, ENOSYS, ENOTEMPTY, ENODATA, ENOTSUP
}
