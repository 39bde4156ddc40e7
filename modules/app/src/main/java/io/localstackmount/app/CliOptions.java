package io.localstackmount.app;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the command line asked for. Null means "not given": the S3 settings then come from the
 * environment (see the s3 module's resolver), everything else from the defaults in {@link CliParser}.
 */
record CliOptions(
        Path mountPoint,
        String endpoint,
        String region,
        String profile,
        boolean readOnly,
        boolean allowOther,
        boolean debug,
        Integer uid,
        Integer gid,
        int umask,
        Duration ttl,
        Path stagingDir,
        Embedded embedded,
        Path embeddedData,
        Duration busyTimeout,
        boolean help) {

    /** When to start the embedded S3 server. */
    enum Embedded {
        /** Never: the endpoint must answer. */
        NO,
        /** Always, ignoring any endpoint. */
        ALWAYS,
        /** When nothing answers at the endpoint. */
        FALLBACK
    }
}
