package io.localstackmount.api;

/** The {@code rename} handler group. */
public interface RenameOps {

    void rename(FsPath from, FsPath to);
}
