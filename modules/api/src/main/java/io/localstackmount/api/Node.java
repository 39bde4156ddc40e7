package io.localstackmount.api;

import java.time.Instant;

/**
 * The attributes of one path as the mount reports them: what {@code stat} shows.
 *
 * @param name  last path segment
 * @param type  file, folder or symlink
 * @param size  bytes (0 for folders)
 * @param mtime last modification
 * @param mode  permission bits only (no type bits), e.g. 0644
 * @param uid   owner
 * @param gid   group
 * @param etag  the object's ETag, or null where there is no object (implicit folders, unsaved files)
 */
public record Node(String name, NodeType type, long size, Instant mtime, int mode, int uid, int gid, String etag) {

    public boolean isDirectory() {
        return type == NodeType.DIRECTORY;
    }

    public Node withName(String newName) {
        return new Node(newName, type, size, mtime, mode, uid, gid, etag);
    }

    public Node withMode(int newMode) {
        return new Node(name, type, size, mtime, newMode, uid, gid, etag);
    }

    public Node withOwner(int newUid, int newGid) {
        return new Node(name, type, size, mtime, mode, newUid, newGid, etag);
    }

    public Node withMtime(Instant newMtime) {
        return new Node(name, type, size, newMtime, mode, uid, gid, etag);
    }

    public Node withEtag(String newEtag) {
        return new Node(name, type, size, mtime, mode, uid, gid, newEtag);
    }

    public Node withSize(long newSize, Instant newMtime) {
        return new Node(name, type, newSize, newMtime, mode, uid, gid, etag);
    }
}
