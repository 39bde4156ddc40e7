package io.localstackmount.api;

import java.util.List;

/** The {@code xattr} handler group: extended attributes. */
public interface XattrOps {

    /** The value of an attribute; ENODATA when it is absent. */
    byte[] getxattr(FsPath path, String name);

    void setxattr(FsPath path, String name, byte[] value);

    List<String> listxattr(FsPath path);

    void removexattr(FsPath path, String name);
}
