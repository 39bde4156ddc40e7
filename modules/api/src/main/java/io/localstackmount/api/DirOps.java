package io.localstackmount.api;

import java.util.List;

/** The {@code dirs} handler group: list, make and remove folders (and buckets at the root). */
public interface DirOps {

    /** The entries of a folder, without {@code .} and {@code ..}. */
    List<Node> readdir(FsPath path);

    void mkdir(FsPath path, int mode);

    void rmdir(FsPath path);
}
