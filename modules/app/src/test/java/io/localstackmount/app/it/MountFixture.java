package io.localstackmount.app.it;

import io.localstackmount.api.MountOptions;
import io.localstackmount.core.CountingObjectStore;
import io.localstackmount.core.Filesystem;
import io.localstackmount.core.FsConfig;
import io.localstackmount.core.PluginRegistry;
import io.localstackmount.fuse.FuseMount;
import io.localstackmount.fuse.MountSettings;
import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A real kernel mount of the whole filesystem (every built-in plugin) over an in-process S3Proxy,
 * in a temporary folder. One per test class: start in {@code @BeforeAll}, close in {@code @AfterAll}.
 * {@link #s3()} is a separate client for checking objects behind the mount's back.
 *
 * <pre>
 *   tmp/mnt/            the mount root: every bucket is a folder
 *   tmp/staging/        staging files of open, written files
 * </pre>
 */
public final class MountFixture implements AutoCloseable {
    private final S3ProxyServer server;
    private final S3ObjectStore verifier;
    private final FsConfig config;
    private final boolean readOnly;
    private Filesystem filesystem;
    private FuseMount mount;
    private final Path tempDir;

    private MountFixture(S3ProxyServer server, S3ObjectStore store, Consumer<FsConfig.Builder> customize, boolean readOnly)
            throws IOException {
        this.server = server;
        this.tempDir = Files.createTempDirectory("lsm-it-");
        this.verifier = server.newStore();
        // Its own content cache: the user's cache folder would carry bodies from one run to the next.
        FsConfig.Builder config = FsConfig.builder(tempDir.resolve("staging"))
                .options(new MountOptions(uid(), gid(), 0022, readOnly))
                .cacheDir(tempDir.resolve("cache"));
        customize.accept(config);
        this.config = config.build();
        this.readOnly = readOnly;
        mountFilesystem(store);
    }

    private void mountFilesystem(S3ObjectStore store) throws IOException {
        this.filesystem = Filesystem.create(store, config,
                PluginRegistry.load(ModuleLayer.boot(), MountFixture.class.getClassLoader()));
        try {
            this.mount = FuseMount.mount(filesystem.dispatcher(), tempDir.resolve("mnt"),
                    new MountSettings(false, readOnly, false, Duration.ofSeconds(5)));
        } catch (IOException | RuntimeException e) {
            filesystem.close();
            throw e;
        }
    }

    /**
     * Unmounts and mounts again with the same configuration, over the same server and folders (the
     * content cache and the metadata remembered on disk included), as a user's next mount would.
     */
    public MountFixture remount() {
        mount.close();
        if (FuseMount.isMounted(mount.mountPoint())) {
            throw new AssertionError("the test mount " + mount.mountPoint() + " is still mounted");
        }
        filesystem.close();
        try {
            mountFilesystem(server.newStore()); // a direct client, also when the first mount had another
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Where this mount keeps its content cache and the metadata it remembers ({@code cache.dir}). */
    public Path cacheDir() {
        return config.cacheDir();
    }

    public static MountFixture start() {
        return start(S3ProxyServer.start(), b -> { });
    }

    public static MountFixture start(S3ProxyServer server, Consumer<FsConfig.Builder> customize) {
        return start(server, customize, false);
    }

    public static MountFixture start(S3ProxyServer server, Consumer<FsConfig.Builder> customize, boolean readOnly) {
        return start(server, server.newStore(), customize, readOnly);
    }

    /** A mount over {@code store} (closed with the mount), e.g. one that reaches {@code server} through a fault proxy. */
    public static MountFixture start(S3ProxyServer server, S3ObjectStore store, Consumer<FsConfig.Builder> customize,
                                     boolean readOnly) {
        try {
            return new MountFixture(server, store, customize, readOnly);
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException(e);
        }
    }

    /** The mount root. */
    public Path root() {
        return mount.mountPoint();
    }

    /** Creates {@code name} through the S3 API (not the mount) and returns its folder in the mount. */
    public Path bucket(String name) {
        verifier.createBucket(name);
        return root().resolve(name);
    }

    /** A client of the same server that bypasses the mount. */
    public S3ObjectStore s3() {
        return verifier;
    }

    public S3ProxyServer server() {
        return server;
    }

    public Filesystem filesystem() {
        return filesystem;
    }

    /** Where the mount stages files being written. */
    public Path stagingDir() {
        return tempDir.resolve("staging");
    }

    /** Counts the requests the mount makes (not those of {@link #s3()}). */
    public CountingObjectStore requests() {
        return filesystem.store();
    }

    /** Runs a command in {@code dir}; returns its combined output, failing on a non-zero exit. */
    public static String run(Path dir, String... command) {
        return runAllowingFailure(dir, command).requireSuccess();
    }

    public static Result runAllowingFailure(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            return new Result(p.waitFor(), out, List.of(command));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A finished process. */
    public record Result(int exitCode, String output, List<String> command) {
        public String requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + exitCode + ":\n" + output);
            }
            return output;
        }
    }

    /** Unmounts (failing loudly if the mount stays), then stops the filesystem and the server. */
    @Override
    public void close() {
        List<Throwable> failures = new ArrayList<>();
        try {
            mount.close();
            if (FuseMount.isMounted(mount.mountPoint())) {
                failures.add(new AssertionError("the test mount " + mount.mountPoint() + " is still mounted"));
            }
        } catch (RuntimeException e) {
            failures.add(e);
        }
        for (AutoCloseable c : new AutoCloseable[] {filesystem, verifier, server}) {
            try {
                c.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (failures.isEmpty()) {
            deleteTree(tempDir);
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("closing the mount fixture failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }

    private static int uid() {
        return Integer.parseInt(field("Uid:"));
    }

    private static int gid() {
        return Integer.parseInt(field("Gid:"));
    }

    private static String field(String name) {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(name))
                    .findFirst().orElseThrow().substring(name.length()).trim().split("\\s+")[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
