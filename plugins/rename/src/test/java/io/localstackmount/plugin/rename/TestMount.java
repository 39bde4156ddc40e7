package io.localstackmount.plugin.rename;

import com.github.benmanes.caffeine.cache.Ticker;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.Namespace;
import io.localstackmount.api.Node;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.OpenFiles;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.api.RenameOps;
import io.localstackmount.core.CachedNamespace;
import io.localstackmount.core.FsConfig;
import io.localstackmount.core.HandleTable;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * What a mount gives the rename plugin, with core's real namespace cache and handle table over a
 * {@link FakeObjectStore}, so that tests see what {@code stat} and {@code ls} would show afterwards.
 */
final class TestMount implements FsContext, AutoCloseable {
    final FakeObjectStore store = new FakeObjectStore();
    final HandleTable handles = new HandleTable();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-worker");
        t.setDaemon(true);
        return t;
    });
    private final FsConfig config;
    private final CachedNamespace namespace;
    private final PluginSettings settings;
    final RenameOps rename;

    TestMount(Path staging, Map<String, String> settings) {
        // headUnknown: these tests put objects with s3fs attributes behind the mount's back.
        this.config = FsConfig.builder(staging).options(new MountOptions(1000, 1000, 0022, false)).headUnknown(true).build();
        this.namespace = new CachedNamespace(store, handles, config, Clock.systemUTC(), Ticker.systemTicker());
        this.settings = new PluginSettings(settings);
        this.rename = new StandardRenameProvider().create(this);
    }

    TestMount(Path staging) {
        this(staging, Map.of());
    }

    @Override
    public ObjectStore store() {
        return store;
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
        return config.options();
    }

    @Override
    public PluginSettings settings() {
        return settings;
    }

    @Override
    public Path stagingDir() {
        return config.stagingDir();
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public ExecutorService workers() {
        return workers;
    }

    /** Forgets every cached node and listing, so that the next look-up asks the store. */
    void dropCaches() {
        namespace.clear();
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }

    static FsPath path(String p) {
        return FsPath.parse(p);
    }

    /** An open handle, with or without unsaved data, that records where rename moved it. */
    static final class Handle implements OpenFile {
        private volatile FsPath path;
        private volatile Node unsaved;

        Handle(FsPath path, Node unsaved) {
            this.path = path;
            this.unsaved = unsaved;
        }

        @Override
        public FsPath path() {
            return path;
        }

        @Override
        public void moveTo(FsPath newPath) {
            path = newPath;
        }

        @Override
        public Node attributes() {
            return unsaved;
        }

        @Override
        public Optional<Node> unsavedNode() {
            Node n = unsaved;
            return n == null ? Optional.empty() : Optional.of(n.withName(path.name()));
        }

        @Override
        public boolean updateUnsaved(UnaryOperator<Node> change) {
            if (unsaved == null) {
                return false;
            }
            unsaved = change.apply(unsaved);
            return true;
        }

        @Override
        public void markUnlinked() {
            unsaved = null;
        }

        @Override
        public void discard() {
        }
    }
}
