package io.localstackmount.core;

import com.github.benmanes.caffeine.cache.Ticker;
import io.localstackmount.api.AttrOps;
import io.localstackmount.api.CachePolicy;
import io.localstackmount.api.ContentCache;
import io.localstackmount.api.DirOps;
import io.localstackmount.api.FileOps;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.HandlerProvider;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.Namespace;
import io.localstackmount.api.ObjectSource;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.OpenFiles;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.api.RenameOps;
import io.localstackmount.api.Storage;
import io.localstackmount.api.XattrOps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A filesystem over one object store: the shared services (namespace, handle table, staging
 * folder, content cache), the handlers the registry selected, the cache policy config named, and the
 * dispatcher in front of them. The FUSE host drives the {@link #dispatcher()}; {@link #close()} frees
 * everything at unmount and, with {@code --debug}, logs what the mount cost in S3 requests.
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
    private final Path stagingDir;
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
        this.stagingDir = createStagingDir(config.stagingDir());
        this.namespace = new CachedNamespace(this.store, handles, config, clock, ticker,
                new MetadataJournal(config.metadataDir()), headers);
        this.reads = new ObservedSource(this.store, namespace);
        this.storage = new CoreStorage(this.store, reads, namespace, handles, clock, workers);
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
            stopThreadsAndStaging();
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

    private static Path createStagingDir(Path parent) {
        try {
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, "mount-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the staging folder under " + parent, e);
        }
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        int open = handles.size();
        if (open > 0) {
            LOG.warn("{} files were still open at unmount; data not flushed by then is not uploaded", open);
        }
        handles.discardAll();
        stopThreadsAndStaging();
        LOG.debug("S3 requests of this mount: {}", store.summary());
        synchronized (this) {
            if (contentCache != null) {
                LOG.debug("content cache {}: {}", contentCache.root(), contentCache.stats());
                contentCache.close();
            }
        }
        store.close();
    }

    private static void awaitEnd(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("some threads of this mount are still running after unmount");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the threads, then removes the staging folder they may still write into. */
    private void stopThreadsAndStaging() {
        workers.shutdownNow();
        headers.shutdownNow();
        // Their last tasks (a HEAD lane recording metadata, a prefetch caching a block) write into the
        // staging, cache and metadata folders: let them end before those are removed or unlocked.
        awaitEnd(workers);
        awaitEnd(headers);
        try (Stream<Path> files = Files.walk(stagingDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(Filesystem::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("could not remove the staging folder {}: {}", stagingDir, e.toString());
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", path, e.toString());
        }
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
            return stagingDir;
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
