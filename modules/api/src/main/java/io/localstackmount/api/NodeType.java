package io.localstackmount.api;

/** What a path is in the mount. */
public enum NodeType {
    FILE, DIRECTORY, SYMLINK
}
