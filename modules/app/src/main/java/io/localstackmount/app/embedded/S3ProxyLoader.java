package io.localstackmount.app.embedded;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds S3Proxy and the class loader to drive it through; {@link EmbeddedS3Server} does the driving.
 *
 * <ul>
 *   <li>With {@value #HOME_PROPERTY} set (the launcher does): a private {@link URLClassLoader} over the
 *       jars in {@code <home>/}{@value #EMBEDDED_LIB}{@code /}, whose parent is the platform loader,
 *       so S3Proxy's copies of Guava, Jackson, Jetty and the AWS SDK never meet the app's. Only SLF4J's
 *       API is taken from the app, so that S3Proxy logs through the app's backend (and its bundled
 *       logback never starts, which saves about 0.4 s).</li>
 *   <li>Without it (tests, an IDE): whatever loader already sees S3Proxy (context, then this class's).</li>
 * </ul>
 */
final class S3ProxyLoader {
    /** Set by the launcher to the installation's root folder. */
    static final String HOME_PROPERTY = "localstackmount.home";
    /** Where an installation keeps S3Proxy's jar(s), relative to its home. */
    static final String EMBEDDED_LIB = "lib/embedded";

    private static final String PROXY_CLASS = "org.gaul.s3proxy.S3Proxy";
    private static final String BLOB_STORE_CLASS = "org.gaul.s3proxy.blobstore.BlobStore";
    private static final String SHARED_PREFIX = "org.slf4j.";
    // S3Proxy logs its Jetty banners at INFO and every request at DEBUG: noise for a mount. Its
    // warnings still show. The level is only set when the user has not chosen one (slf4j-simple reads
    // it when a logger is created, so setting it now still counts).
    private static final String QUIET_LOGGER_KEY = "org.slf4j.simpleLogger.log.org.gaul";

    private static final Logger LOG = LoggerFactory.getLogger(S3ProxyLoader.class);

    private S3ProxyLoader() {
    }

    static Optional<Path> homeFromSystemProperty() {
        String home = System.getProperty(HOME_PROPERTY);
        return home == null || home.isBlank() ? Optional.empty() : Optional.of(Path.of(home));
    }

    /** Loads S3Proxy from {@code home}'s {@value #EMBEDDED_LIB} if given, else from the class path. */
    static Loaded load(Optional<Path> home) {
        if (System.getProperty(QUIET_LOGGER_KEY) == null) {
            System.setProperty(QUIET_LOGGER_KEY, "warn");
        }
        return home.isPresent() ? isolated(home.get()) : fromClassPath();
    }

    private static Loaded isolated(Path home) {
        Path lib = home.resolve(EMBEDDED_LIB).toAbsolutePath().normalize();
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(lib)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().collect(Collectors.toList())) {
                jars.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            throw missingJars(lib, "cannot be read (" + e + ")");
        }
        if (jars.isEmpty()) {
            throw missingJars(lib, "holds no jar");
        }
        SharingLoader loader = new SharingLoader(jars.toArray(URL[]::new), S3ProxyLoader.class.getClassLoader());
        try {
            Class<?> store = Class.forName(BLOB_STORE_CLASS, false, loader);
            Class.forName(PROXY_CLASS, false, loader);
            LOG.debug("S3Proxy loaded from {} ({} jars)", lib, jars.size());
            return new Loaded(loader, store, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            closeQuietly(loader);
            throw missingJars(lib, "does not hold a usable S3Proxy 4.x (" + e + ")");
        }
    }

    private static Loaded fromClassPath() {
        List<ClassLoader> candidates = new ArrayList<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            candidates.add(context);
        }
        candidates.add(S3ProxyLoader.class.getClassLoader());
        for (ClassLoader cl : candidates) {
            try {
                Class<?> store = Class.forName(BLOB_STORE_CLASS, false, cl);
                Class.forName(PROXY_CLASS, false, cl);
                LOG.debug("S3Proxy loaded from the class path of {}", cl);
                return new Loaded(cl, store, null);
            } catch (ClassNotFoundException | LinkageError e) {
                // not there: try the next loader
            }
        }
        throw new EmbeddedS3Exception("The embedded S3 server (S3Proxy) is not available: start localstackmount"
                + " with its launcher (bin/localstackmount, which sets -D" + HOME_PROPERTY + " to the"
                + " installation holding " + EMBEDDED_LIB + "/), or put org.gaul:s3proxy on the class path.");
    }

    private static EmbeddedS3Exception missingJars(Path lib, String problem) {
        return new EmbeddedS3Exception("The embedded S3 server needs S3Proxy's jar in " + lib + ", which "
                + problem + ". The installation is incomplete: rebuild it (mvn package builds dist/) or"
                + " reinstall it, or use LocalStack or another S3 endpoint instead.");
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.debug("closing S3Proxy's class loader failed", e);
        }
    }

    /**
     * Calls a public S3Proxy method, unwrapping what it throws: unchecked exceptions and errors as they
     * are, checked ones (S3Proxy's {@code start()} declares {@code Exception}) in an
     * {@link EmbeddedS3Exception} that keeps the cause.
     */
    static Object invoke(Object target, Method method, Object... args) {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new EmbeddedS3Exception("S3Proxy failed in " + method.getName() + ": " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new EmbeddedS3Exception("S3Proxy's " + method + " is not accessible: " + e.getMessage(), e);
        }
    }

    /** The loader S3Proxy lives in, its {@code BlobStore} interface, and the loader to close (if ours). */
    record Loaded(ClassLoader classLoader, Class<?> blobStoreType, URLClassLoader owned) {
        /**
         * Runs {@code action} with S3Proxy's loader as the thread's context loader: Jetty's threads
         * inherit it, and service look-ups inside S3Proxy (StAX, Jackson) find its own providers.
         */
        <T> T callIn(ReflectiveAction<T> action) {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(classLoader);
            try {
                return action.run();
            } catch (ReflectiveOperationException e) {
                throw new EmbeddedS3Exception("S3Proxy's API is not the one this version of localstackmount"
                        + " was written for (S3Proxy 4.1): " + e, e);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }

        /** Releases the jars, when the loader is ours; a class path loader stays as it is. */
        void close() {
            if (owned != null) {
                closeQuietly(owned);
            }
        }
    }

    /** Reflective work done inside {@link Loaded#callIn}. */
    @FunctionalInterface
    interface ReflectiveAction<T> {
        T run() throws ReflectiveOperationException;
    }

    /** S3Proxy's own jars, parent-last to nothing but the JDK; SLF4J's API comes from the app. */
    private static final class SharingLoader extends URLClassLoader {
        static {
            ClassLoader.registerAsParallelCapable();
        }

        private final ClassLoader app;

        SharingLoader(URL[] jars, ClassLoader app) {
            super("s3proxy", jars, ClassLoader.getPlatformClassLoader());
            this.app = app;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith(SHARED_PREFIX)) {
                try {
                    return app.loadClass(name);
                } catch (ClassNotFoundException e) {
                    // a part of SLF4J the app does not have: S3Proxy's own copy
                }
            }
            return super.loadClass(name, resolve);
        }
    }
}
