package io.localstackmount.app.embedded;

import static io.localstackmount.app.embedded.S3ProxyLoader.invoke;

import io.localstackmount.s3.Secrets;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible server inside this JVM on 127.0.0.1, for users without LocalStack: S3Proxy over its
 * filesystem blob store, which keeps each bucket as a folder under the data directory, so data
 * survives restarts. The app's wiring decides what to mount from {@link #endpoint()}.
 *
 * <p>S3Proxy does not fit the module path (split packages, its own AWS SDK, a shaded Jetty) and the
 * app must not depend on it at compile time: it is only driven by reflection, through the class loader
 * that {@link S3ProxyLoader} picks (the installation's {@code lib/embedded/} jars in the image, the
 * class path in tests).
 *
 * <p>Start-up is S3Proxy's Jetty and XML mapper loading: about 1 s in a cold JVM, nearly all class
 * loading. The first start on an empty data directory creates bucket {@value #SAMPLE_BUCKET} (see
 * {@link SampleBucket}). It listens on 127.0.0.1 only and checks signatures with the credentials it
 * is started with: the app's wiring passes the configured ones or {@link Credentials#random()}, so
 * another user on the machine cannot read or write the buckets. {@link #close()} is idempotent and
 * thread-safe.
 */
public final class EmbeddedS3Server implements AutoCloseable {

    /** The bucket created on the first start on an empty data directory. */
    public static final String SAMPLE_BUCKET = SampleBucket.NAME;

    private static final String LOOPBACK = "127.0.0.1";

    /**
     * What the server accepts. {@link #toString()} shows no secret.
     *
     * @param accessKey the access key id
     * @param secretKey the secret access key
     */
    public record Credentials(String accessKey, String secretKey) {
        private static final SecureRandom RANDOM = new SecureRandom();
        private static final char[] KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

        /** A new pair shaped like AWS's: a 20-character key id starting {@code LSM}, a 40-character secret. */
        public static Credentials random() {
            StringBuilder key = new StringBuilder("LSM");
            while (key.length() < 20) {
                key.append(KEY_CHARS[RANDOM.nextInt(KEY_CHARS.length)]);
            }
            byte[] secret = new byte[30];
            RANDOM.nextBytes(secret);
            return new Credentials(key.toString(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        }

        @Override
        public String toString() {
            return "Credentials[" + Secrets.keyId(accessKey) + "/" + Secrets.secret(secretKey) + "]";
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Server.class);

    private final S3ProxyLoader.Loaded loaded;
    private final Object blobStore;
    private final Object proxy;
    private final URI endpoint;
    private final Path dataDir;
    private final Credentials credentials;
    private boolean closed;

    private EmbeddedS3Server(S3ProxyLoader.Loaded loaded, Object blobStore, Object proxy, URI endpoint, Path dataDir,
                             Credentials credentials) {
        this.loaded = loaded;
        this.blobStore = blobStore;
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.dataDir = dataDir;
        this.credentials = credentials;
    }

    /**
     * Starts the server on {@code 127.0.0.1:port} with its buckets under {@code dataDir} (created when
     * missing).
     *
     * @param port        the port to listen on, or 0 for a free one (then see {@link #endpoint()})
     * @param credentials the only credentials it accepts
     * @throws EmbeddedS3Exception with a message for the user when the port is taken, the data
     *     directory is unusable, or S3Proxy's jars are missing
     */
    public static EmbeddedS3Server start(Path dataDir, int port, Credentials credentials) {
        return start(dataDir, port, credentials, S3ProxyLoader.homeFromSystemProperty());
    }

    /** {@link #start(Path, int, Credentials)} with the installation home given (empty: the class path). */
    static EmbeddedS3Server start(Path dataDir, int port, Credentials credentials, Optional<Path> home) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 (a free port) or 1-65535, not " + port);
        }
        long started = System.nanoTime();
        Path dir = dataDir.toAbsolutePath().normalize();
        boolean firstStart = prepareDataDir(dir);
        S3ProxyLoader.Loaded loaded = S3ProxyLoader.load(home);
        EmbeddedS3Server server;
        try {
            server = loaded.callIn(() -> launch(loaded, dir, port, credentials, firstStart));
        } catch (RuntimeException | Error e) {
            loaded.close();
            throw e;
        }
        LOG.info("Embedded S3 server (S3Proxy) listening on {}, data in {}", server.endpoint, dir);
        LOG.debug("Embedded S3 server started in {} ms", (System.nanoTime() - started) / 1_000_000);
        if (firstStart) {
            LOG.info("Created bucket '{}' with sample files in the new data directory", SAMPLE_BUCKET);
        }
        return server;
    }

    /** {@code http://127.0.0.1:<port>}, with the real port when 0 was asked for. */
    public URI endpoint() {
        return endpoint;
    }

    /** The credentials the server accepts. */
    public Credentials credentials() {
        return credentials;
    }

    /** The folder that holds the buckets, absolute. */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops the server and releases S3Proxy's class loader. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            loaded.callIn(() -> {
                try {
                    invoke(proxy, proxy.getClass().getMethod("stop"));
                } finally {
                    invoke(blobStore, loaded.blobStoreType().getMethod("close"));
                }
                return null;
            });
            LOG.info("Embedded S3 server on {} stopped", endpoint);
        } catch (RuntimeException e) {
            LOG.warn("Embedded S3 server on {} did not stop cleanly: {}", endpoint, e.toString());
            LOG.debug("stop failure", e);
        } finally {
            loaded.close();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedS3Server[" + endpoint + ", " + dataDir + "]";
    }

    /** Creates the data directory if needed and answers whether it is empty, that is, a first start. */
    private static boolean prepareDataDir(Path dir) {
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                throw new EmbeddedS3Exception("The embedded S3 server cannot write to its data directory " + dir
                        + ": fix its permissions or choose another directory.");
            }
            try (Stream<Path> entries = Files.list(dir)) {
                return entries.findAny().isEmpty();
            }
        } catch (IOException e) {
            throw new EmbeddedS3Exception("The embedded S3 server cannot use " + dir + " as its data directory ("
                    + e + "): fix its permissions or choose another directory.", e);
        }
    }

    private static EmbeddedS3Server launch(S3ProxyLoader.Loaded loaded, Path dir, int port, Credentials credentials,
                                           boolean firstStart)
            throws ReflectiveOperationException {
        ClassLoader cl = loaded.classLoader();
        Class<?> storeType = loaded.blobStoreType();
        Properties props = new Properties();
        // "filesystem" and "filesystem-nio2" name one store in S3Proxy 4.x (FilesystemNio2BlobStore):
        // a folder per bucket, a file per object, metadata in user xattrs; unlike "transient", it keeps
        // data across restarts.
        props.setProperty("jclouds.filesystem.basedir", dir.toString());
        props.setProperty("s3proxy.endpoint", "http://" + LOOPBACK + ":" + port);
        props.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        props.setProperty("s3proxy.identity", credentials.accessKey());
        props.setProperty("s3proxy.credential", credentials.secretKey());

        Class<?> blobStores = Class.forName("org.gaul.s3proxy.BlobStores", true, cl);
        Class<?> builderType = Class.forName("org.gaul.s3proxy.S3Proxy$Builder", true, cl);
        Object blobStore = invoke(null, blobStores.getMethod("create", String.class, Properties.class),
                "filesystem-nio2", props);
        Object proxy = null;
        try {
            Object builder = invoke(null, builderType.getMethod("fromProperties", Properties.class), props);
            builder = invoke(builder, builderType.getMethod("blobStore", storeType), blobStore);
            proxy = invoke(builder, builderType.getMethod("build"));
            try {
                invoke(proxy, proxy.getClass().getMethod("start"));
            } catch (RuntimeException e) {
                throw startFailure(e, port);
            }
            int actualPort = (Integer) invoke(proxy, proxy.getClass().getMethod("getPort"));
            if (firstStart) {
                new SampleBucket(loaded, blobStore).create(dir);
            }
            URI endpoint = URI.create("http://" + LOOPBACK + ":" + actualPort);
            return new EmbeddedS3Server(loaded, blobStore, proxy, endpoint, dir, credentials);
        } catch (RuntimeException | ReflectiveOperationException e) {
            // Jetty may have started threads before failing: stop it, then the store.
            if (proxy != null) {
                stopQuietly(proxy, e);
            }
            try {
                invoke(blobStore, storeType.getMethod("close"));
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void stopQuietly(Object proxy, Throwable failure) {
        try {
            invoke(proxy, proxy.getClass().getMethod("stop"));
        } catch (RuntimeException | ReflectiveOperationException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    private static EmbeddedS3Exception startFailure(RuntimeException e, int port) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return new EmbeddedS3Exception("The embedded S3 server cannot listen on " + LOOPBACK + ":" + port
                        + " because the port is in use (" + t.getMessage() + "). Is LocalStack or another S3"
                        + " server running there? Stop it, or choose another port (0 picks a free one).", e);
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new EmbeddedS3Exception("The embedded S3 server (S3Proxy) failed to start on " + LOOPBACK + ":"
                + port + ": " + root, e);
    }
}
