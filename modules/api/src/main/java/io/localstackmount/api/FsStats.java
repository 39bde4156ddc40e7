package io.localstackmount.api;

/**
 * What {@code statfs} reports. S3 has no capacity, so the totals are values that keep {@code df}
 * sane; {@code availableBlocks} is what can really be written now: the staging disk's free space.
 *
 * @param availableBlocks blocks an unprivileged writer may still use (statvfs {@code f_bavail})
 */
public record FsStats(long blockSize, long blocks, long freeBlocks, long availableBlocks, long files, long freeFiles,
                      int nameMax) {

    /** Everything free is available. */
    public FsStats(long blockSize, long blocks, long freeBlocks, long files, long freeFiles, int nameMax) {
        this(blockSize, blocks, freeBlocks, freeBlocks, files, freeFiles, nameMax);
    }
}
