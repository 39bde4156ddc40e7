package io.localstackmount.app;

import io.localstackmount.api.MountOptions;
import io.localstackmount.app.embedded.EmbeddedS3Server;
import io.localstackmount.core.Filesystem;
import io.localstackmount.core.FsConfig;
import io.localstackmount.core.PluginRegistry;
import io.localstackmount.fuse.FuseMount;
import io.localstackmount.fuse.MountSettings;
import io.localstackmount.s3.EndpointCheck;
import io.localstackmount.s3.S3ConfigResolver;
import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3.S3StoreConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main job: find the S3 endpoint (or start the embedded one), build the filesystem, mount it,
 * and stay in the foreground until Ctrl-C, SIGTERM or {@code fusermount -u} ends the mount.
 */
final class MountCommand {
    private static final Logger LOG = LoggerFactory.getLogger(MountCommand.class);
    /** LocalStack's port: when it is free the embedded server takes it, so aws-cli and SDK defaults reach it too. */
    private static final int PREFERRED_EMBEDDED_PORT = 4566;

    private final CliOptions options;
    private EmbeddedS3Server embedded;
    private Filesystem filesystem;
    private FuseMount mount;

    MountCommand(CliOptions options) {
        this.options = options;
    }

    /** Exit code: 0 after a clean unmount, 3 when no endpoint answers, 4 when mounting fails. */
    int run() throws InterruptedException {
        S3StoreConfig s3 = s3Config();
        if (s3 == null) {
            return 3;
        }
        Path mountPoint = options.mountPoint() != null ? options.mountPoint()
                : Path.of(System.getProperty("user.home"), "mount", "localstack");
        filesystem = Filesystem.create(S3ObjectStore.create(s3), fsConfig(),
                PluginRegistry.load(ModuleLayer.boot(), MountCommand.class.getClassLoader()));
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "unmount"));
        try {
            mount = FuseMount.mount(filesystem.dispatcher(), mountPoint,
                    new MountSettings(options.allowOther(), options.readOnly(), options.debug(), options.busyTimeout()));
        } catch (IOException e) {
            System.err.println(e.getMessage());
            close();
            return 4;
        }
        LOG.info("mounted {} at {}{} - press Ctrl-C to unmount", s3.describe(), mount.mountPoint(),
                options.readOnly() ? " (read-only)" : "");
        mount.awaitUnmounted();
        close();
        return 0;
    }

    /** The store config, or null (after telling the user why) when no endpoint can be used. */
    private S3StoreConfig s3Config() {
        if (options.embedded() == CliOptions.Embedded.ALWAYS) {
            return startEmbedded();
        }
        S3ConfigResolver.Resolution resolution =
                S3ConfigResolver.resolve(options.endpoint(), options.region(), options.profile(), System.getenv());
        LOG.debug("S3 settings: {}", resolution.description());
        EndpointCheck.Result check = EndpointCheck.check(resolution.config());
        if (check.ok()) {
            LOG.info(check.message());
            return resolution.config();
        }
        if (options.embedded() == CliOptions.Embedded.FALLBACK) {
            LOG.info("{} Starting the embedded S3 server instead.", check.message());
            return startEmbedded();
        }
        System.err.println(check.message());
        return null;
    }

    private S3StoreConfig startEmbedded() {
        Path data = options.embeddedData() != null ? options.embeddedData() : defaultEmbeddedData();
        embedded = EmbeddedS3Server.start(data, portIsFree(PREFERRED_EMBEDDED_PORT) ? PREFERRED_EMBEDDED_PORT : 0);
        URI endpoint = embedded.endpoint();
        LOG.info("embedded S3 server at {} keeps its buckets in {} (credentials {}/{})", endpoint, data,
                embedded.accessKey(), embedded.secretKey());
        return S3StoreConfig.builder().endpoint(endpoint).region("us-east-1")
                .staticCredentials(embedded.accessKey(), embedded.secretKey()).build();
    }

    private FsConfig fsConfig() {
        Path staging = options.stagingDir() != null ? options.stagingDir()
                : Path.of(System.getProperty("java.io.tmpdir"), "localstackmount-" + UserIds.uid());
        FsConfig.Builder b = FsConfig.builder(staging)
                .options(new MountOptions(options.uid() != null ? options.uid() : UserIds.uid(),
                        options.gid() != null ? options.gid() : UserIds.gid(), options.umask(), options.readOnly()));
        if (options.ttl() != null) {
            b.metadataTtl(options.ttl()).negativeTtl(options.ttl());
        }
        return b.build();
    }

    private static Path defaultEmbeddedData() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("localstackmount").resolve("embedded");
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Unmounts and frees everything; safe to call from the shutdown hook and the main thread. */
    synchronized void close() {
        if (mount != null) {
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
    }
}
