package io.localstackmount.api;

import java.nio.file.Path;
import java.time.Clock;

/** What core hands every handler: shared services, owned by core. Handlers keep no other state. */
public interface FsContext {

    ObjectStore store();

    Namespace namespace();

    OpenFiles openFiles();

    MountOptions options();

    /** The settings config gives the plugin being created. */
    PluginSettings settings();

    /** Folder for staging files of open, written files; owned by this mount. */
    Path stagingDir();

    Clock clock();

    /** Shared threads for work a handler runs in parallel (copies, prefetch); bounded by core. */
    java.util.concurrent.ExecutorService workers();

    /** The cache policy config selected; empty when there is none (every read then goes to S3). */
    default java.util.Optional<CachePolicy> cachePolicy() {
        return java.util.Optional.empty();
    }

    /**
     * The mount's disk cache of object bodies, created on the first call: for cache policies, which
     * decide whether to use it. ENOTSUP in a context that has none.
     */
    default ContentCache contentCache() {
        throw new FsException(Errno.ENOTSUP, "this mount has no content cache");
    }
}
