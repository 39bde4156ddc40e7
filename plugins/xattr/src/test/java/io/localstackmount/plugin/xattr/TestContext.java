package io.localstackmount.plugin.xattr;

import com.github.benmanes.caffeine.cache.Ticker;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.Namespace;
import io.localstackmount.api.Node;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.OpenFiles;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.core.CachedNamespace;
import io.localstackmount.core.FsConfig;
import io.localstackmount.core.HandleTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/** A context over the in-memory store with core's real namespace and handle table; staging on Jimfs. */
final class TestContext implements FsContext, AutoCloseable {
    static final MountOptions OPTIONS = new MountOptions(1000, 1000, 0022, false);

    final InMemoryStore store = new InMemoryStore();
    final HandleTable handles = new HandleTable();
    private final FileSystem disk = Jimfs.newFileSystem(Configuration.unix());
    private final Path staging = disk.getPath("/staging");
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final Clock clock = Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC);
    private final PluginSettings settings;
    final CachedNamespace namespace;

    TestContext(PluginSettings settings) {
        this.settings = settings;
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FsConfig config = FsConfig.builder(staging).options(OPTIONS).headUnknown(true).build();
        this.namespace = new CachedNamespace(store, handles, config, clock, Ticker.systemTicker());
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
        return OPTIONS;
    }

    @Override
    public PluginSettings settings() {
        return settings;
    }

    @Override
    public Path stagingDir() {
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
    public void close() throws IOException {
        workers.shutdownNow();
        disk.close();
    }

    /** A handle holding unsaved data, as the files plugin registers one while a file is written. */
    static final class UnsavedFile implements OpenFile {
        private final FsPath path;
        private final Node node;

        UnsavedFile(FsPath path, Node node) {
            this.path = path;
            this.node = node;
        }

        @Override
        public FsPath path() {
            return path;
        }

        @Override
        public void moveTo(FsPath newPath) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Node attributes() {
            return node;
        }

        @Override
        public Optional<Node> unsavedNode() {
            return Optional.of(node);
        }

        @Override
        public boolean updateUnsaved(UnaryOperator<Node> change) {
            return false;
        }

        @Override
        public void markUnlinked() {
        }

        @Override
        public void discard() {
        }
    }
}
