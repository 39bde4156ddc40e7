package io.localstackmount.api;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/** What core hands every plugin: shared services, owned by core. Plugins keep no other shared state. */
public interface FsContext {

    /** Reads from S3; core learns from every answer (see {@link ObjectSource}). */
    ObjectSource store();

    /** Every change to S3 goes through here. */
    Storage storage();

    Namespace namespace();

    OpenFiles openFiles();

    MountOptions options();

    /** The settings config gives the plugin being created, with the defaults it declared filled in. */
    PluginSettings settings();

    /** Folder for staging files of open, written files; owned by this mount. Written data goes through {@link #staging()}. */
    Path stagingDir();

    /** Where written data waits for its upload, recorded so that it survives failures and restarts. */
    Staging staging();

    Clock clock();

    /** Shared threads for work a handler runs in parallel (copies, prefetch); bounded by core. */
    ExecutorService workers();

    /** The cache policy config selected; empty when there is none (every read then goes to S3). */
    default Optional<CachePolicy> cachePolicy() {
        return Optional.empty();
    }

    /**
     * The mount's disk cache of object bodies, created on the first call: for cache policies, which
     * decide whether to use it. ENOTSUP in a context that has none.
     */
    default ContentCache contentCache() {
        throw new FsException(Errno.ENOTSUP, "this mount has no content cache");
    }
}
