package io.localstackmount.api;

/**
 * The {@code files} handler group: open files, their data, and removing them. Handles are numbers
 * issued by {@link OpenFiles}; the FUSE host passes them back on every call.
 */
public interface FileOps {

    long create(FsPath path, int mode, OpenFlags flags);

    long open(FsPath path, OpenFlags flags);

    int read(FsPath path, long handle, byte[] dst, long offset, int length);

    int write(FsPath path, long handle, byte[] src, long offset, int length);

    /** Called on every close of a descriptor: uploads what is dirty and reports failure. */
    void flush(FsPath path, long handle);

    void fsync(FsPath path, long handle);

    /** The last close: frees the handle; errors here are logged, the kernel ignores them. */
    void release(FsPath path, long handle);

    /** Truncates or extends; {@code handle} is 0 for a path-based truncate. */
    void truncate(FsPath path, long size, long handle);

    void unlink(FsPath path);

    void symlink(String target, FsPath link);

    String readlink(FsPath path);
}
