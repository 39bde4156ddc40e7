package io.localstackmount.s3proxy;

import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3.S3StoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * S3Proxy 4.1.0 in-process, for tests of this and other modules (published in this module's
 * test-jar). Listens on 127.0.0.1 on a free port; by default stores into a fresh temporary folder
 * (deleted on close) and checks AWS v2/v4 signatures with {@code test}/{@code test}.
 *
 * <pre>{@code
 * try (S3ProxyServer s3 = S3ProxyServer.start();
 *      S3ObjectStore store = s3.newStore()) {
 *     store.createBucket("b");
 * }
 * // or: S3ProxyServer.builder().inMemory().noAuth().metrics().start()
 * }</pre>
 *
 * Quirks of S3Proxy 4.x to expect: objects {@code a} and {@code a/b} cannot both exist, the
 * filesystem store cannot hold 255-byte names, the in-memory store is capped near 4 GiB, and a
 * listing without a delimiter walks the whole subtree.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "test";
    public static final String SECRET_KEY = "test";
    public static final String REGION = "us-east-1";

    private static final Pattern COUNT_LINE =
            Pattern.compile("^http_server_request_duration_seconds_count\\{([^}]*)}\\s+(\\S+)\\s*$", Pattern.MULTILINE);

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final Path ownedDir;
    private final URI endpoint;
    private final boolean metrics;
    private volatile boolean running;

    private S3ProxyServer(Builder b) throws Exception {
        Path dir = null;
        if (b.inMemory) {
            blobStore = new TransientNio2BlobStore();
        } else {
            Path base = b.baseDir;
            if (base == null) {
                dir = Files.createTempDirectory("s3proxy-");
                base = dir;
            } else {
                Files.createDirectories(base);
            }
            blobStore = new FilesystemNio2BlobStore(base.toAbsolutePath().toString());
        }
        this.ownedDir = dir;
        this.metrics = b.metrics;
        S3Proxy.Builder builder = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + b.port));
        if (b.auth) {
            builder.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY);
        } else {
            builder.awsAuthentication(AuthenticationType.NONE, null, null);
        }
        builder.stopTimeout(b.stopTimeout.toMillis());
        if (b.metrics) {
            builder.metricsEnabled(true).metricsPort(0).metricsHost("127.0.0.1");
        }
        proxy = builder.build();
        proxy.start();
        Instant deadline = Instant.now().plusSeconds(10);
        while (!"STARTED".equals(proxy.getState())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("S3Proxy did not start within 10 s, state " + proxy.getState());
            }
            Thread.sleep(5);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        running = true;
    }

    /** The default server: filesystem store in a temporary folder, signatures checked. */
    public static S3ProxyServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    /** A store config for this server: path-style, {@code test}/{@code test}, us-east-1, the store's defaults otherwise. */
    public S3StoreConfig config() {
        return S3StoreConfig.builder()
                .endpoint(endpoint)
                .region(REGION)
                .staticCredentials(ACCESS_KEY, SECRET_KEY)
                .build();
    }

    /** A new store on this server; the caller closes it. */
    public S3ObjectStore newStore() {
        return S3ObjectStore.create(config());
    }

    public boolean isRunning() {
        return running;
    }

    /**
     * The Prometheus text S3Proxy exports (only with {@link Builder#metrics()}): an OpenTelemetry
     * histogram {@code http_server_request_duration_seconds} labelled with {@code s3_operation},
     * {@code s3_bucket}, {@code http_request_method} and {@code http_response_status_code}.
     */
    public String metricsText() {
        if (!metrics) {
            throw new IllegalStateException("start the server with builder().metrics() to read metrics");
        }
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + proxy.getMetricsPort() + "/metrics")
                    .toURL().openConnection();
            c.setConnectTimeout((int) Duration.ofSeconds(2).toMillis());
            c.setReadTimeout((int) Duration.ofSeconds(5).toMillis());
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How many requests of one S3 operation ({@code GetObject}, {@code PutObject},
     * {@code ListObjectsV2}, ...) the server has answered so far, any status; needs {@link Builder#metrics()}.
     */
    public long requestCount(String operation) {
        long total = 0;
        Matcher m = COUNT_LINE.matcher(metricsText());
        while (m.find()) {
            if (m.group(1).contains("s3_operation=\"" + operation + "\"")) {
                total += (long) Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    /**
     * Stops answering at once: requests in flight are cut off (unless {@link Builder#stopTimeout}
     * says otherwise) and new connections are refused. The data stays until {@link #close()}.
     */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }

    /** Stops the server and deletes the temporary folder it created. */
    @Override
    public synchronized void close() {
        stop();
        blobStore.close();
        if (ownedDir != null) {
            deleteTree(ownedDir);
        }
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // a temporary folder left behind is not worth failing a test for
        }
    }

    /** Options; {@link #start()} starts the server. */
    public static final class Builder {
        private boolean inMemory;
        private Path baseDir;
        private boolean auth = true;
        private boolean metrics;
        private int port;
        // ZERO: stop() cuts requests in flight off at once, like a crashed server (Jetty's graceful
        // stop would let a running upload finish first, which hides the failure tests look for).
        private Duration stopTimeout = Duration.ZERO;

        private Builder() {
        }

        /** Keep objects in memory (S3Proxy's transient store, capped near 4 GiB) instead of on disk. */
        public Builder inMemory() {
            this.inMemory = true;
            return this;
        }

        /** Store objects under {@code dir} (kept on close); by default a temporary folder deleted on close. */
        public Builder filesystem(Path dir) {
            this.inMemory = false;
            this.baseDir = dir;
            return this;
        }

        /** Accept unsigned requests and any credentials. */
        public Builder noAuth() {
            this.auth = false;
            return this;
        }

        /** Export per-operation request counters on a second free port; see {@link S3ProxyServer#requestCount}. */
        public Builder metrics() {
            this.metrics = true;
            return this;
        }

        /** A fixed port, e.g. to restart a server where a store still points; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * How long {@link S3ProxyServer#stop()} lets requests in flight finish (Jetty's graceful stop);
         * by default none: they are cut off, like a crashed server.
         */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        public S3ProxyServer start() {
            try {
                return new S3ProxyServer(this);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("S3Proxy did not start", e);
            }
        }
    }
}
