package io.localstackmount.api;

/** What {@code statfs} reports; S3 has no capacity, so these are values that keep {@code df} sane. */
public record FsStats(long blockSize, long blocks, long freeBlocks, long files, long freeFiles, int nameMax) {
}
