package io.localstackmount.core;

import com.github.benmanes.caffeine.cache.Ticker;
import io.localstackmount.api.AttrOps;
import io.localstackmount.api.CachePolicy;
import io.localstackmount.api.ContentCache;
import io.localstackmount.api.DirOps;
import io.localstackmount.api.FileOps;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.HandlerProvider;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.Namespace;
import io.localstackmount.api.ObjectSource;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.OpenFiles;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.api.RenameOps;
import io.localstackmount.api.Staging;
import io.localstackmount.api.Storage;
import io.localstackmount.api.XattrOps;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A filesystem over one object store: the shared services (namespace, handle table, staging
 * folder, content cache), the handlers the registry selected, the cache policy config named, and the
 * dispatcher in front of them. Before anything is served it recovers what killed mounts left staged
 * ({@link StagingRecovery}). The FUSE host drives the {@link #dispatcher()}; unmount first stores
 * unsaved data ({@link #flushUnsaved}), then {@link #close()} frees everything, keeping what could
 * not be stored on disk for the next start, and, with {@code --debug}, logs what the mount cost in
 * S3 requests.
 */
public final class Filesystem implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Filesystem.class);
    /** Threads shared by all handlers: folder renames (16 each), prefetch and part uploads. */
    private static final int MAX_WORKERS = 64;

    private final CountingObjectStore store;
    private final HandleTable handles;
    private final CachedNamespace namespace;
    private final ObservedSource reads;
    private final CoreStorage storage;
    private final ExecutorService workers;
    private final ExecutorService headers;
    private final StagingArea staging;
    private final KeptFiles kept;
    private final Dispatcher dispatcher;
    private final FsConfig config;
    private final CachePolicy cachePolicy;
    private final Clock clock;
    /** Opened by the first policy that asks for it; guarded by {@code this}. */
    private DiskContentCache contentCache;

    private Filesystem(ObjectStore store, FsConfig config, PluginRegistry registry, Clock clock, Ticker ticker) {
        // First, so that an unknown name fails the start before anything is created.
        HandlerProvider<?> policyProvider = registry.select(PluginKind.CACHE, config.cachePolicy()).orElseThrow(() ->
                new IllegalStateException("no cache policy was found: is the localstackmount-plugin-cache-etag module present?"));
        this.config = config;
        this.clock = clock;
        this.store = new CountingObjectStore(store);
        this.handles = new HandleTable();
        // Bounded: plugins bound their own parallelism per call, this bounds all calls together.
        // Past the bound the caller runs the task itself, which slows it down instead of failing.
        this.workers = new ThreadPoolExecutor(0, MAX_WORKERS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemonThreads("lsm-worker"), new ThreadPoolExecutor.CallerRunsPolicy());
        // The HEADs that learn a listing's attributes have threads of their own: a lookup waits for
        // them, and a lookup must never end up running a whole batch on its own thread.
        this.headers = Executors.newFixedThreadPool(CachedNamespace.HEAD_LANES, daemonThreads("lsm-head"));
        this.staging = StagingArea.open(config.stagingDir(), store.describe(), clock);
        // Before anything is served: what killed mounts left is stored (or set aside) first.
        StagingRecovery.run(config.stagingDir(), staging.folder(), this.store, store.describe(), clock);
        this.kept = new KeptFiles(handles, config.uploadRetry());
        staging.keepWith(kept);
        this.namespace = new CachedNamespace(this.store, handles, config, clock, ticker,
                new MetadataJournal(config.metadataDir()), headers);
        this.reads = new ObservedSource(this.store, namespace);
        this.storage = new CoreStorage(this.store, reads, namespace, handles, staging, clock, workers);
        try {
            this.cachePolicy = (CachePolicy) create(policyProvider, PluginKind.CACHE);
            this.dispatcher = new Dispatcher(
                    this.<AttrOps>handler(registry, config, PluginKind.ATTRS),
                    this.<DirOps>handler(registry, config, PluginKind.DIRS),
                    this.<FileOps>handler(registry, config, PluginKind.FILES),
                    this.<RenameOps>handler(registry, config, PluginKind.RENAME),
                    this.<XattrOps>handler(registry, config, PluginKind.XATTR),
                    new HiddenOpenFiles(handles, storage), config.options().readOnly());
        } catch (RuntimeException | Error e) {
            // A plugin refused its settings: nothing is mounted, so nothing may stay behind either.
            kept.close();
            stopThreadsAndStaging();
            closeContentCache(); // a plugin that took it before failing leaves its lock behind otherwise
            throw e;
        }
    }

    /** Builds a filesystem; throws IllegalStateException with a user-facing message when config and plugins disagree. */
    public static Filesystem create(ObjectStore store, FsConfig config, PluginRegistry registry) {
        return create(store, config, registry, Clock.systemUTC(), Ticker.systemTicker());
    }

    /** As {@link #create(ObjectStore, FsConfig, PluginRegistry)}, on the given time: for tests that move it. */
    public static Filesystem create(ObjectStore store, FsConfig config, PluginRegistry registry, Clock clock, Ticker ticker) {
        return new Filesystem(store, config, registry, clock, ticker);
    }

    /** The context a plugin is created with, with {@code settings}: for tests that drive one plugin's classes directly. */
    public FsContext pluginContext(PluginSettings settings) {
        return new Context(settings, config.options());
    }

    /** What the mount shows, as handlers see it. */
    public Namespace namespace() {
        return namespace;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** The store the handlers use, counting every request they make. */
    public CountingObjectStore store() {
        return store;
    }

    /** The content cache, or empty when the policy has not asked for it (e.g. {@code none}). */
    public synchronized Optional<DiskContentCache> contentCache() {
        return Optional.ofNullable(contentCache);
    }

    private synchronized ContentCache openContentCache() {
        if (contentCache == null) {
            contentCache = DiskContentCache.open(config.cacheDir(), config.cacheMaxBytes(), config.cacheBlockSize());
        }
        return contentCache;
    }

    /** Drops every cached attribute and listing. */
    public void clearCaches() {
        namespace.clear();
    }

    @SuppressWarnings("unchecked")
    private <T> T handler(PluginRegistry registry, FsConfig config, PluginKind group) {
        if (config.disabled().contains(group)) {
            if (group.required()) {
                throw new IllegalStateException("the " + group.configName() + " group cannot be disabled: the mount needs it");
            }
            LOG.info("{} handlers are disabled in config", group.configName());
            return null;
        }
        var provider = registry.select(group, config.providers().get(group));
        if (provider.isEmpty()) {
            if (group.required()) {
                throw new IllegalStateException("no provider of the " + group.configName()
                        + " handler group was found: is the localstackmount-plugin-" + group.configName() + " module present?");
            }
            LOG.info("no {} provider is present: its operations are unsupported", group.configName());
            return null;
        }
        return (T) create(provider.get(), group);
    }

    /** Creates a provider's product with its declared settings applied to what config gave it. */
    private Object create(HandlerProvider<?> provider, PluginKind kind) {
        LOG.debug("{}: {} from {}", kind.configName(), provider.name(), PluginRegistry.origin(provider));
        PluginSettings settings = DeclaredSettings.resolve(provider, config.settingsOf(kind));
        return provider.create(new Context(settings, config.options()));
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Stores the unsaved data of every open file (and of files kept after a failed close) within
     * {@code bound}, as unmount does before it detaches: in parallel, each as {@link
     * OpenFile#saveUnattended} (never over another client's change). Logs each file that could not
     * be stored and where its data stays; returns how many.
     */
    public int flushUnsaved(Duration bound) {
        Map<OpenFile, Future<?>> saves = new LinkedHashMap<>();
        for (OpenFile file : handles.all()) {
            if (file.unsavedNode().isPresent()) {
                saves.put(file, workers.submit(file::saveUnattended));
            }
        }
        if (saves.isEmpty()) {
            return 0;
        }
        LOG.info("storing {} files with unsaved data before unmounting (at most {} s)", saves.size(), bound.toSeconds());
        long deadline = System.nanoTime() + bound.toNanos();
        int failed = 0;
        for (Map.Entry<OpenFile, Future<?>> save : saves.entrySet()) {
            FsPath path = save.getKey().path();
            String why;
            try {
                save.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                continue;
            } catch (TimeoutException e) {
                why = "still uploading after " + bound.toSeconds() + " s";
            } catch (ExecutionException e) {
                why = e.getCause().getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                why = "interrupted";
            }
            if (save.getKey().unsavedNode().isPresent()) {
                failed++;
                LOG.warn("could not store {} before unmounting ({}); its data stays in {} for the next start", path, why,
                        staging.where(path).orElse(staging.folder().toString()));
            }
        }
        return failed;
    }

    @Override
    public void close() {
        kept.close();
        int open = handles.size();
        if (open > 0) {
            LOG.info("{} files were still open at unmount; data not stored by then stays in {} for the next start",
                    open, staging.folder());
        }
        handles.discardAll();
        stopThreadsAndStaging();
        LOG.debug("S3 requests of this mount: {}", store.summary());
        closeContentCache();
        store.close();
    }

    private synchronized void closeContentCache() {
        if (contentCache != null) {
            LOG.debug("content cache {}: {}", contentCache.root(), contentCache.stats());
            contentCache.close();
        }
    }

    /** Waits up to {@code seconds} for {@code pool}'s tasks to end; false when some still run. */
    private static boolean awaitEnd(ExecutorService pool, int seconds) {
        try {
            return pool.awaitTermination(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the threads, then closes the staging area they may still write into (its folder goes when it holds nothing unsaved). */
    private void stopThreadsAndStaging() {
        // Workers' last tasks (a prefetch caching the block it fetched) are let finish for a moment:
        // an interrupt would close the cache file under them and lose the block. HEAD lanes end when
        // interrupted. Both write into the staging, cache and metadata folders, so they end first.
        workers.shutdown();
        headers.shutdownNow();
        if (!awaitEnd(workers, 2)) {
            workers.shutdownNow();
        }
        if (!awaitEnd(workers, 10) || !awaitEnd(headers, 10)) {
            LOG.warn("some threads of this mount are still running after unmount");
        }
        staging.close();
    }

    /** The context one plugin sees: shared services plus its own settings. */
    private final class Context implements FsContext {
        private final PluginSettings settings;
        private final MountOptions options;

        Context(PluginSettings settings, MountOptions options) {
            this.settings = settings;
            this.options = options;
        }

        @Override
        public ObjectSource store() {
            return reads;
        }

        @Override
        public Storage storage() {
            return storage;
        }

        @Override
        public Namespace namespace() {
            return namespace;
        }

        @Override
        public OpenFiles openFiles() {
            return handles;
        }

        @Override
        public MountOptions options() {
            return options;
        }

        @Override
        public PluginSettings settings() {
            return settings;
        }

        @Override
        public Path stagingDir() {
            return staging.folder();
        }

        @Override
        public Staging staging() {
            return staging;
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public ExecutorService workers() {
            return workers;
        }

        @Override
        public Optional<CachePolicy> cachePolicy() {
            return Optional.ofNullable(cachePolicy);
        }

        @Override
        public ContentCache contentCache() {
            return openContentCache();
        }
    }
}
