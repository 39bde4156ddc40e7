package io.localstackmount.api;

import java.time.Instant;

/** The {@code attrs} handler group: stat, chmod, chown, utimens, statfs. */
public interface AttrOps {

    Node getattr(FsPath path);

    void chmod(FsPath path, int mode);

    void chown(FsPath path, int uid, int gid);

    /** {@code mtime} null means "leave as is" (UTIME_OMIT). */
    void utimens(FsPath path, Instant mtime);

    FsStats statfs(FsPath path);
}
