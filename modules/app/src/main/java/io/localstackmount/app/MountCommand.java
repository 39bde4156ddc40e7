package io.localstackmount.app;

import io.localstackmount.api.ObjectStore;
import io.localstackmount.app.embedded.CredentialsFile;
import io.localstackmount.app.embedded.EmbeddedS3Exception;
import io.localstackmount.app.embedded.EmbeddedS3Server;
import io.localstackmount.core.Filesystem;
import io.localstackmount.fuse.FuseMount;
import io.localstackmount.s3.EndpointCheck;
import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3.S3StoreConfig;
import io.localstackmount.s3.UploadsInFlight;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The main job: find the S3 endpoint (or start the embedded one), build the filesystem, mount it,
 * and stay in the foreground until Ctrl-C, SIGTERM or {@code fusermount -u} ends the mount.
 *
 * <p>Start-up runs several things at once: {@link #begin} starts the S3 client (the AWS SDK's
 * start-up is the largest single cost), the endpoint check (which probes with that same client)
 * and the FUSE binding ({@link FuseMount#prepare}) on their own threads, while {@link Main} loads
 * the plugins on its thread; {@link #run} then waits for them. Nothing is mounted unless the
 * endpoint answered. When LocalStack's health answer alone proved it, the mount does not wait for
 * the S3 client either ({@link DeferredObjectStore}): requests that reach S3 wait for it instead.
 */
final class MountCommand {
    private static final Logger LOG = LoggerFactory.getLogger(MountCommand.class);
    /** LocalStack's port: when it is free the embedded server takes it, so aws-cli and SDK defaults reach it too. */
    private static final int PREFERRED_EMBEDDED_PORT = 4566;
    /** The region the embedded server's clients use: any works, this one needs no LocationConstraint. */
    private static final String EMBEDDED_REGION = "us-east-1";
    /**
     * How long unmount may spend storing files with unsaved data. systemd waits 90 s after SIGTERM,
     * so 30 s leaves room for the unmount itself; whatever is not stored by then (or when a shorter
     * SIGKILL comes, as after docker stop's 10 s) stays staged and the next start stores it.
     */
    private static final Duration FLUSH_BOUND = Duration.ofSeconds(30);

    private final AppConfig config;
    private final CompletableFuture<EndpointCheck.Result> check;
    private final CompletableFuture<S3ObjectStore> client;
    private final FuseMount.Prepared fuse;
    /** What the endpoint check found; an embedded server is never checked. */
    private EndpointCheck.Result checked;
    private volatile boolean clientFailed;
    private Plugins plugins;
    private EmbeddedS3Server embedded;
    /** The embedded server's credentials for other tools ({@link CredentialsFile}), or null. */
    private Path credentialsFile;
    private Filesystem filesystem;
    private FuseMount mount;
    /** Where running mounts are listed ({@code status}, {@code unmount}). */
    private final MountRecords records;
    /** This mount's record while it runs, or null. */
    private StatusReporter status;
    /** Messages for the person who started the command (the terminal, or a daemon's log). */
    private final PrintStream err;
    private final Map<String, String> env;

    private MountCommand(AppConfig config, MountRecords records, PrintStream err, Map<String, String> env) {
        this.config = config;
        this.records = records;
        this.err = err;
        this.env = env;
        if (config.embedded() == AppConfig.Embedded.ALWAYS) {
            this.check = null;
            this.client = null;
        } else {
            // One SDK client: the store's, which the check's ListBuckets uses (and so warms up).
            this.client = CompletableFuture.supplyAsync(() -> S3ObjectStore.create(config.s3()), MountCommand::daemon);
            this.check = CompletableFuture.supplyAsync(() -> EndpointCheck.check(config.s3(), this::joinClient),
                    MountCommand::daemon);
        }
        // Only the binding: nothing is mounted before the endpoint answered.
        this.fuse = FuseMount.prepare(config.mountSettings());
    }

    /** The store made in advance, for the endpoint check; a failure to build it is rethrown as it was thrown. */
    private S3ObjectStore joinClient() {
        try {
            return client.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Starts the endpoint check and the S3 client in the background; {@link #run} uses them. */
    static MountCommand begin(AppConfig config, MountRecords records, PrintStream err, Map<String, String> env) {
        return new MountCommand(config, records, err, env);
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "startup");
        t.setDaemon(true);
        t.start();
    }

    /** Exit code: 0 after a clean unmount, 3 when no endpoint answers (or no client for it can be built), 4 when mounting fails. */
    int run(Plugins loadedPlugins) throws InterruptedException {
        this.plugins = loadedPlugins;
        try {
            PathTrust.privateFolder("mount.staging-dir", config.stagingDir());
            PathTrust.privateFolder(CacheKeys.DIR, config.fsConfig().cacheDir());
        } catch (ConfigException e) {
            abandonClient();
            throw e;
        }
        S3StoreConfig s3 = s3Config();
        if (s3 == null) {
            abandonClient();
            return 3;
        }
        ObjectStore s3Store;
        // The store's client is the one made in advance, or (embedded) one of its own: its uploads are what status shows.
        Supplier<List<UploadsInFlight.Progress>> uploads =
                () -> client.isDone() && !client.isCompletedExceptionally() ? client.join().uploadsInFlight() : List.of();
        if (embedded != null) {
            abandonClient();
            S3ObjectStore direct = S3ObjectStore.create(s3);
            s3Store = direct;
            uploads = direct::uploadsInFlight;
        } else if (checked.byHealthCheck()) {
            // LocalStack said S3 is there without an SDK request: mount now, the client follows.
            s3Store = new DeferredObjectStore(client, s3.describe());
            client.whenComplete((built, failure) -> {
                if (failure != null) {
                    LOG.error("cannot build the S3 client for {}: {}; unmounting", s3.describe(), failure.getMessage());
                    clientFailed = true;
                    close();
                }
            });
        } else {
            s3Store = await(client);
        }
        ObjectStore store = ScopedObjectStore.wrap(s3Store, config.scope());
        try {
            filesystem = Filesystem.create(store, config.fsConfig(), plugins.registry());
        } catch (IllegalArgumentException | IllegalStateException e) {
            // A plugin that rejects its settings, or config that core refuses: a configuration mistake.
            store.close();
            close();
            throw new ConfigException("cannot start the filesystem: " + e.getMessage(), e);
        }
        // Ctrl-C and SIGTERM unmount, and run() then returns 0 as after fusermount -u: a JVM ended
        // by the signal itself would exit 130/143. The hook still covers every other way out.
        for (String signal : new String[] {"INT", "TERM", "HUP"}) {
            Signal.handle(new Signal(signal), s -> new Thread(this::close, "unmount-on-" + s.getName()).start());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "unmount"));
        try {
            mount = FuseMount.mount(filesystem.dispatcher(), config.mountPoint(), config.mountSettings(), fuse);
        } catch (IOException e) {
            err.println("localstackmount: " + e.getMessage());
            close();
            return 4;
        }
        status = StatusReporter.start(records, record(s3), filesystem, uploads);
        Daemon.ready(env);
        LOG.info("mounted {}{} at {}{} - unmount with Ctrl-C or: localstackmount unmount {} ({})", s3.describe(),
                config.scope().isAll() ? "" : ", " + config.scope().describe(), mount.mountPoint(),
                config.readOnly() ? " (read-only)" : "", mount.mountPoint(), sinceLaunch());
        mount.awaitUnmounted();
        close();
        return clientFailed ? 3 : 0;
    }

    /** What {@code status} and {@code unmount} need to know about this mount; the live counts follow. */
    private Map<String, String> record(S3StoreConfig s3) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("pid", Long.toString(ProcessHandle.current().pid()));
        r.put("mount-point", mount.mountPoint().toString());
        r.put("endpoint", s3.describe());
        r.put("scope", config.scope().isAll() ? null : config.scope().describe());
        r.put("started", ProcessHandle.current().info().startInstant().orElse(Instant.now()).toString());
        r.put("read-only", Boolean.toString(config.readOnly()));
        r.put("busy-timeout-ms", Long.toString(config.busyTimeout().toMillis()));
        r.put("log-file", config.logFile() != null ? config.logFile().toString()
                : Daemon.isChild(env) ? Main.defaultDaemonLog(config).toString() : null);
        r.put("embedded-data", embedded != null ? config.embeddedData().toString() : null);
        r.put("version", Version.number());
        return r;
    }

    /** {@code ready 412 ms after launch}: how long start-up took, as the JVM's process saw it. */
    private static String sinceLaunch() {
        return ProcessHandle.current().info().startInstant()
                .map(start -> "ready " + Duration.between(start, Instant.now()).toMillis() + " ms after launch")
                .orElse("ready");
    }

    /** The store config, or null (after telling the user why) when no endpoint can be used. */
    private S3StoreConfig s3Config() throws InterruptedException {
        if (config.embedded() == AppConfig.Embedded.ALWAYS) {
            return startEmbedded();
        }
        LOG.debug("S3 settings:\n{}", String.join("\n", config.s3Sources()));
        EndpointCheck.Result check = await(this.check);
        checked = check;
        if (check.ok()) {
            LOG.info(check.message());
            return config.s3();
        }
        if (config.embedded() == AppConfig.Embedded.FALLBACK) {
            LOG.info("{} Starting the embedded S3 server instead.", check.message());
            return startEmbedded();
        }
        err.println("localstackmount: " + check.message());
        return null;
    }

    /** The value of a start-up task; its failure is rethrown as it was thrown. */
    private static <T> T await(CompletableFuture<T> task) throws InterruptedException {
        try {
            return task.get();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** The S3 client made in advance is not needed after all (no endpoint, or the embedded server). */
    private void abandonClient() {
        if (client != null) {
            client.thenAccept(S3ObjectStore::close);
        }
    }

    /**
     * Starts the embedded server with the configured credentials, or with a pair made up for this
     * start, and writes them where the user (only) can find them: the log names the file, never the secret.
     */
    private S3StoreConfig startEmbedded() {
        Path data = PathTrust.privateFolder("embedded.data-dir", config.embeddedData());
        for (MountRecords.Record other : records.running()) {
            if (data.toString().equals(other.get("embedded-data"))) {
                // Two S3Proxy servers over one folder would each cache what the other changes.
                throw new MountPoint.InUse("the built-in S3 server of the mount at " + other.mountPoint() + " (pid " + other.pid()
                        + ") already keeps its buckets in " + data + "; mount that server's endpoint instead (" + other.get("endpoint")
                        + "), unmount it first (localstackmount unmount " + other.mountPoint() + "), or use another --embedded-data");
            }
        }
        EmbeddedS3Server.Credentials credentials = config.embeddedCredentials().orElseGet(EmbeddedS3Server.Credentials::random);
        try {
            embedded = EmbeddedS3Server.start(data, portIsFree(PREFERRED_EMBEDDED_PORT) ? PREFERRED_EMBEDDED_PORT : 0, credentials);
        } catch (EmbeddedS3Exception e) {
            // Another process took the port between the check and the bind: any free port will do.
            LOG.debug("embedded server on port {} failed ({}); taking a free port", PREFERRED_EMBEDDED_PORT, e.getMessage());
            embedded = EmbeddedS3Server.start(data, 0, credentials);
        }
        URI endpoint = embedded.endpoint();
        try {
            credentialsFile = CredentialsFile.write(PathTrust.privateFolder("state folder", config.stateDir()), embedded,
                    EMBEDDED_REGION);
            LOG.info("embedded S3 server at {} keeps its buckets in {}; for aws-cli and SDKs: . {}", endpoint, data, credentialsFile);
        } catch (IOException | ConfigException e) {
            LOG.warn("embedded S3 server at {} keeps its buckets in {}; its credentials could not be written for other tools: {}",
                    endpoint, data, e.getMessage());
        }
        return S3StoreConfig.builder().endpoint(endpoint).region(EMBEDDED_REGION)
                .staticCredentials(credentials.accessKey(), credentials.secretKey()).build();
    }

    private static boolean portIsFree(int port) {
        try {
            new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress()).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Unmounts and frees everything; safe to call from a signal's thread, the shutdown hook and the
     * main thread. The order keeps every step bounded and no request meeting a closed store: changes
     * are refused first (dirty files are flushed right after that, before unmounting), then the mount
     * is unmounted or, after the busy timeout, detached lazily, the requests still being served get a
     * bounded time, and only then are the filesystem and its store closed.
     */
    synchronized void close() {
        if (status != null) {
            status.close();
            status = null;
        }
        if (mount != null) {
            mount.refuseChanges();
            if (filesystem != null) {
                int left = filesystem.flushUnsaved(FLUSH_BOUND);
                if (left > 0) {
                    LOG.warn("{} files could not be stored before unmounting (see above); their data stays staged and the"
                            + " next start of this mount stores it", left);
                }
            }
            mount.close();
        }
        if (filesystem != null) {
            filesystem.close();
            filesystem = null;
        }
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
        if (credentialsFile != null) {
            try {
                Files.deleteIfExists(credentialsFile);
            } catch (IOException e) {
                LOG.warn("could not delete {}: {}", credentialsFile, e.toString());
            }
            credentialsFile = null;
        }
    }
}
