package io.localstackmount.api;

/**
 * Mount-wide settings the handlers honour.
 *
 * @param uid      owner reported for objects without {@code x-amz-meta-uid}
 * @param gid      group reported for objects without {@code x-amz-meta-gid}
 * @param umask    removed from 0666 (files) and 0777 (folders) for objects without {@code x-amz-meta-mode}
 * @param readOnly every change answers EROFS
 */
public record MountOptions(int uid, int gid, int umask, boolean readOnly) {

    public int fileMode() {
        return 0666 & ~umask;
    }

    public int folderMode() {
        return 0777 & ~umask;
    }
}
