package io.localstackmount.plugin.files;

import io.localstackmount.api.PluginSetting;
import io.localstackmount.api.PluginSettings;
import java.util.List;

/**
 * Upload settings of the files plugin.
 *
 * @param partSize    bytes per multipart part; a file written sequentially streams once it is larger
 * @param parallelism parts uploaded at once while a file is being written
 */
record Uploads(long partSize, int parallelism) {
    /** 8 MiB: S3's parts are 5 MiB at least; 8 MiB keeps 10,000 parts (78 GiB) within reach and memory small. */
    static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;
    /** Four parts in flight keep a loopback or nearby S3 busy without competing with the writer for the cores. */
    static final int DEFAULT_PARALLELISM = 4;
    private static final long MIN_PART_SIZE = 5L * 1024 * 1024;

    /** The settings as the provider declares them to config. */
    static final List<PluginSetting> DECLARED = List.of(
            PluginSetting.size("part-size", "8m",
                    "bytes per multipart part (5m at least); a file written sequentially streams once it is larger"),
            PluginSetting.number("upload-parallelism", DEFAULT_PARALLELISM,
                    "parts uploaded at once while a file is written; four keep nearby S3 busy without starving the writer"));

    static Uploads from(PluginSettings settings) {
        long partSize = settings.getLong("part-size", DEFAULT_PART_SIZE);
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("files.part-size must be at least 5 MiB (S3's minimum part size), not " + partSize);
        }
        int parallelism = (int) settings.getLong("upload-parallelism", DEFAULT_PARALLELISM);
        if (parallelism < 1) {
            throw new IllegalArgumentException("files.upload-parallelism must be at least 1");
        }
        return new Uploads(partSize, parallelism);
    }
}
