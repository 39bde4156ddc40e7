package io.localstackmount.testkit;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Namespace;
import io.localstackmount.api.Node;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.core.CountingObjectStore;
import io.localstackmount.core.Dispatcher;
import io.localstackmount.core.Filesystem;
import io.localstackmount.core.FsConfig;
import io.localstackmount.core.PluginRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A filesystem without a kernel: core with the plugins found on the class path (the real ones in
 * tests that depend on them), over a {@link FakeObjectStore}, driven through its {@link Dispatcher}
 * exactly as the FUSE host drives it. The store plays S3 and "another client" at once: what a test
 * changes on it directly, the mount only learns through requests. Time is a {@link ManualTime}.
 *
 * <pre>{@code
 * try (TestMount m = TestMount.builder(tempDir).buckets("b").start()) {
 *     m.write("/b/a.txt", "hello");
 *     assertEquals("hello", m.s3().object("b", "a.txt").orElseThrow().text());
 *     m.s3().with("b", "new.txt", "by aws-cli");
 *     assertEquals(List.of("a.txt", "new.txt"), m.ls("/b"));
 * }
 * }</pre>
 *
 * The helpers ({@link #write}, {@link #read}, {@link #ls}, {@link #stat}) do what a shell tool
 * does, one FUSE call after another; {@link #fs()} gives every operation. {@link #remount} starts
 * a new filesystem over the same store and folders, as a second mount after an unmount would.
 */
@SuppressWarnings("exports") // core's types: core is exported to the kit only, and tests run on the class path
public final class TestMount implements AutoCloseable {
    private final Builder settings;
    private final Filesystem filesystem;

    private TestMount(Builder settings) {
        this.settings = settings;
        this.filesystem = Filesystem.create(settings.store(), settings.config(),
                PluginRegistry.load(ModuleLayer.boot(), TestMount.class.getClassLoader()),
                settings.time.clock(), settings.time);
    }

    /** A mount whose staging, cache and metadata folders live in {@code dir}. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** The dispatcher: every FUSE operation, as the host calls it. */
    public Dispatcher fs() {
        return filesystem.dispatcher();
    }

    /** S3, and "another client" when a test changes it directly. */
    public FakeObjectStore s3() {
        return settings.store();
    }

    /** The requests this mount sent, by kind. */
    public CountingObjectStore requests() {
        return filesystem.store();
    }

    public Namespace namespace() {
        return filesystem.namespace();
    }

    public Filesystem filesystem() {
        return filesystem;
    }

    public ManualTime time() {
        return settings.time;
    }

    /** Unmounts this one and mounts again over the same store, folders and configuration. */
    public TestMount remount() {
        close();
        return new TestMount(settings);
    }

    /** {@code printf TEXT > path}: create (or truncate), write, close. */
    public void write(String path, String text) {
        FsPath p = FsPath.parse(path);
        OpenFlags flags = new OpenFlags(false, true, true, false, false);
        long h;
        try {
            fs().getattr(p);
            h = fs().open(p, flags);
        } catch (FsException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
            h = fs().create(p, 0644, flags);
        }
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        try {
            fs().write(p, h, data, 0, data.length);
            fs().flush(p, h);
        } finally {
            fs().release(p, h);
        }
    }

    /** {@code cat path}. */
    public String read(String path) {
        FsPath p = FsPath.parse(path);
        long h = fs().open(p, OpenFlags.READ_ONLY);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            long offset = 0;
            int n;
            while ((n = fs().read(p, h, buf, offset, buf.length)) > 0) {
                out.write(buf, 0, n);
                offset += n;
            }
            fs().flush(p, h);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            fs().release(p, h);
        }
    }

    /** {@code ls path}: the names, in the order readdir gives them. */
    public List<String> ls(String path) {
        return fs().readdir(FsPath.parse(path)).stream().map(Node::name).toList();
    }

    /** {@code stat path}. */
    public Node stat(String path) {
        return fs().getattr(FsPath.parse(path));
    }

    @Override
    public void close() {
        filesystem.close();
    }

    /** How to mount: the store, core's configuration, the time. */
    public static final class Builder {
        private final Path dir;
        private FakeObjectStore store;
        private UnaryOperator<FsConfig.Builder> config = b -> b;
        private ManualTime time = new ManualTime();

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** The store to mount; by default an empty {@link FakeObjectStore} on this mount's time. */
        public Builder store(FakeObjectStore s3) {
            this.store = s3;
            return this;
        }

        /** Creates these buckets in the store. */
        public Builder buckets(String... names) {
            store().withBuckets(names);
            return this;
        }

        private FakeObjectStore store() {
            if (store == null) {
                store = new FakeObjectStore(time.clock());
            }
            return store;
        }

        /** Changes core's configuration from the defaults (folders are set already). */
        public Builder config(UnaryOperator<FsConfig.Builder> change) {
            this.config = change;
            return this;
        }

        /** The time of the mount, and of the default store: set it before anything else. */
        public Builder time(ManualTime manualTime) {
            this.time = manualTime;
            return this;
        }

        public TestMount start() {
            return new TestMount(this);
        }

        private FsConfig config() {
            try {
                Path staging = Files.createDirectories(dir.resolve("staging"));
                Path cache = Files.createDirectories(dir.resolve("cache"));
                return config.apply(FsConfig.builder(staging).cacheDir(cache)).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
