package io.localstackmount.app.it;

import static io.localstackmount.app.it.MountFixture.run;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.localstackmount.api.FsException;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.core.Filesystem;
import io.localstackmount.core.FsConfig;
import io.localstackmount.core.PluginRegistry;
import io.localstackmount.fuse.FuseMount;
import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Object keys that cannot be paths, and names that must survive the trip between a path and a key
 * unchanged. The tenets are those of docs/SEMANTICS.md ("Keys that cannot be paths"): such keys are
 * hidden, with nothing failing and no wrong data shown.
 *
 * <p>S3Proxy cannot store most of these keys (checked here with S3Proxy 4.1.0, both stores): a key
 * with {@code //} or a leading {@code /} fails the signature check (the server normalises the
 * URL), {@code a/../b} and {@code z/..} answer 500, {@code ./x} and {@code d/./y} are stored as
 * {@code x} and {@code d/y}, and {@code a} and {@code a/b} cannot both exist. The filesystem store
 * also refuses names over 255 bytes; the in-memory store keeps them. So this class mounts the
 * in-memory store behind {@link ExtraKeys}, a store decorator that adds the keys S3Proxy cannot
 * hold to listings and HEADs, exactly as S3 (or LocalStack) would list them. Everything else is real.
 *
 * <pre>
 *   keys/                       bucket
 *     visible.txt               real
 *     dir/ok.txt                real;   dir//x        listed only (empty segment)
 *     a/real.txt                real;   a/../b        listed only (".." segment)
 *     ./x, /lead, dot/./y       listed only ("." segment, leading "/")
 *     long/ok.txt, xxx..(300)   real (in-memory store): a 300-byte name
 *     both/inner.txt            real;   both          listed only (a file shadowed by the folder)
 *   names/                      bucket for Unicode and special characters, both directions
 * </pre>
 */
@DisplayName("S3 keys and path names")
class KeyMappingIT {
    private static final String KEYS = "keys";
    private static final String LONG_NAME = "x".repeat(300);
    /** Keys S3Proxy cannot store, listed in bucket {@link #KEYS} as S3 would list them. */
    private static final List<String> LISTED_ONLY = List.of("dir//x", "./x", "a/../b", "/lead", "dot/./y", "both");

    private static S3ProxyServer server;
    private static S3ObjectStore s3;
    private static Filesystem filesystem;
    private static FuseMount mount;
    private static Path tempDir;
    private static Path bucket;

    @BeforeAll
    static void mount() throws Exception {
        server = S3ProxyServer.builder().inMemory().start();
        s3 = server.newStore();
        tempDir = Files.createTempDirectory("lsm-keys-");
        s3.createBucket(KEYS);
        for (String key : List.of("visible.txt", "dir/ok.txt", "a/real.txt", "long/ok.txt", LONG_NAME,
                "long/" + LONG_NAME, "both/inner.txt", "dot/real.txt")) {
            s3.put(KEYS, key, ("body of " + key).getBytes(UTF_8), Map.of(), "text/plain");
        }
        ObjectStore store = ExtraKeys.wrap(server.newStore(), KEYS, LISTED_ONLY);
        int[] ids = ids();
        FsConfig config = FsConfig.builder(tempDir.resolve("staging")).options(new MountOptions(ids[0], ids[1], 0022, false)).build();
        filesystem = Filesystem.create(store, config, PluginRegistry.load(ModuleLayer.boot(), KeyMappingIT.class.getClassLoader()));
        mount = FuseMount.mount(filesystem.dispatcher(), tempDir.resolve("mnt"),
                new io.localstackmount.fuse.MountSettings(false, false, false, Duration.ofSeconds(5)));
        bucket = mount.mountPoint().resolve(KEYS);
    }

    @AfterAll
    static void unmount() {
        List<AutoCloseable> closing = new ArrayList<>();
        if (mount != null) {
            closing.add(mount);
        }
        for (AutoCloseable c : new AutoCloseable[] {filesystem, s3, server}) {
            if (c != null) {
                closing.add(c);
            }
        }
        AssertionError failure = null;
        for (AutoCloseable c : closing) {
            try {
                c.close();
            } catch (Exception e) {
                failure = failure == null ? new AssertionError("closing the mount failed") : failure;
                failure.addSuppressed(e);
            }
        }
        if (mount != null && FuseMount.isMounted(mount.mountPoint())) {
            throw new AssertionError("the test mount " + mount.mountPoint() + " is still mounted");
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static int[] ids() throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        return new int[] {uid, gid};
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static List<String> keys(String bucketName, String prefix) {
        List<String> keys = new ArrayList<>();
        collect(bucketName, prefix, keys);
        keys.sort(null);
        return keys;
    }

    private static void collect(String bucketName, String prefix, List<String> into) {
        ListPage page = s3.listPage(bucketName, prefix, null, 1000);
        page.objects().forEach(o -> into.add(o.key()));
        page.commonPrefixes().forEach(p -> collect(bucketName, p, into));
    }

    @Nested
    @DisplayName("keys that cannot be paths")
    class Unrepresentable {
        @Test
        @DisplayName("ls -la of the bucket shows only the representable names and exits 0 with no error")
        void bucketListing() throws IOException {
            MountFixture.Result ls = MountFixture.runAllowingFailure(bucket, "ls", "-la", "--quoting-style=literal");
            assertEquals(0, ls.exitCode(), ls.output());
            assertFalse(ls.output().contains("ls:"), ls.output());
            assertEquals(List.of("a", "both", "dir", "dot", "long", "visible.txt"), names(bucket));
        }

        @Test
        @DisplayName("an empty segment (dir//x, /lead) is hidden; the folder's real entries show")
        void emptySegment() throws IOException {
            assertEquals(List.of("ok.txt"), names(bucket.resolve("dir")));
            assertEquals("body of dir/ok.txt", Files.readString(bucket.resolve("dir/ok.txt")));
            assertEquals(".\n..\nok.txt\n", run(bucket, "ls", "-a1", "dir"));
        }

        @Test
        @DisplayName("a . or .. segment (./x, a/../b, dot/./y) is hidden; no entry named . or .. appears twice")
        void dotSegments() throws IOException {
            assertEquals(List.of("real.txt"), names(bucket.resolve("a")));
            assertEquals(List.of("real.txt"), names(bucket.resolve("dot")));
            String all = run(bucket, "ls", "-a1", "a");
            assertEquals(".\n..\nreal.txt\n", all);
            String root = run(bucket, "ls", "-a1");
            assertEquals(1, root.lines().filter("."::equals).count(), root);
            assertEquals(1, root.lines().filter(".."::equals).count(), root);
        }

        @Test
        @DisplayName("a 300-byte name is hidden, in the bucket root and in a folder")
        void longName() throws IOException {
            assertTrue(s3.head(KEYS, LONG_NAME).isPresent(), "the in-memory store holds the 300-byte key");
            assertEquals(List.of("ok.txt"), names(bucket.resolve("long")));
            assertFalse(names(bucket).contains(LONG_NAME));
        }

        @Test
        @DisplayName("find walks the whole bucket without an error and sees only representable paths")
        void findWalks() {
            MountFixture.Result find = MountFixture.runAllowingFailure(bucket, "find", ".", "-print");
            assertEquals(0, find.exitCode(), find.output());
            assertEquals(new TreeSet<>(List.of(".", "./a", "./a/real.txt", "./both", "./both/inner.txt", "./dir", "./dir/ok.txt",
                    "./dot", "./dot/real.txt", "./long", "./long/ok.txt", "./visible.txt")),
                    new TreeSet<>(find.output().lines().toList()));
        }

        @Test
        @DisplayName("both a (object) and a/... : the folder shadows the object; the folder's files read")
        void folderShadowsFile() throws IOException {
            assertEquals("directory", run(bucket, "stat", "-c", "%F", "both").strip());
            assertEquals(List.of("inner.txt"), names(bucket.resolve("both")));
            assertEquals("body of both/inner.txt", Files.readString(bucket.resolve("both/inner.txt")));
            assertTrue(MountFixture.runAllowingFailure(bucket, "cat", "both").output().contains("Is a directory"));
        }

        @Test
        @DisplayName("creating a name over 255 bytes is ENAMETOOLONG and stores nothing")
        void createTooLong() {
            MountFixture.Result touch = MountFixture.runAllowingFailure(bucket, "touch", "y".repeat(256));
            assertTrue(touch.output().contains("File name too long"), touch.output());
            assertTrue(s3.head(KEYS, "y".repeat(256)).isEmpty());
        }
    }

    @Test
    @DisplayName("a path whose key would pass S3's 1,024 bytes is ENAMETOOLONG; the levels below the limit are made")
    void keyTooLong() {
        s3.createBucket("deep-keys");
        Path b = mount.mountPoint().resolve("deep-keys");
        String level = "d".repeat(250);
        String four = String.join("/", level, level, level, level);          // key "four/" is 1,004 bytes
        run(b, "mkdir", "-p", four);

        MountFixture.Result fifth = MountFixture.runAllowingFailure(b, "mkdir", four + "/" + level);
        MountFixture.Result file = MountFixture.runAllowingFailure(b, "touch", four + "/" + level);

        assertTrue(fifth.output().contains("File name too long"), fifth.output());
        assertTrue(file.output().contains("File name too long"), file.output());
        assertEquals(List.of(level + "/", level + "/" + level + "/", level + "/" + level + "/" + level + "/", four + "/"),
                keys("deep-keys", ""));
    }

    @Nested
    @DisplayName("names round-trip unchanged")
    class Names {
        /** Names a developer may well use; each is a valid key and a valid path segment. */
        private static final List<String> NAMES = List.of(
                "with space.txt",
                "  leading and trailing  ",
                "Grüße aus Köln.txt",
                "日本語のファイル.md",
                "emoji 😀🚀.txt",
                "e\u0301 decomposed (NFD).txt",
                "\u00e9 composed (NFC).txt",
                "plus+sign and %20 percent.txt",
                "question?hash#amp&eq=semi;.txt",
                "quote'double\"back\\slash.txt",
                "brackets [1] {2} (3) <4>.txt",
                "tilde~caret^dollar$at@bang!.txt",
                ".hidden",
                "trailing.dot.");

        @Test
        @DisplayName("written through the mount: each S3 key is the exact UTF-8 name (no normalisation, no escaping)")
        void mountToS3() throws IOException {
            assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "file names need a UTF-8 locale in the JVM");
            Path b = mount.mountPoint().resolve("names-in");
            s3.createBucket("names-in");
            Files.createDirectory(b.resolve("ünïcode dir"));
            for (String name : NAMES) {
                Files.writeString(b.resolve("ünïcode dir").resolve(name), "content of " + name);
            }

            List<String> expected = NAMES.stream().map(n -> "ünïcode dir/" + n).collect(Collectors.toCollection(ArrayList::new));
            expected.add("ünïcode dir/");
            expected.sort(null);
            assertEquals(expected, keys("names-in", ""));
            assertFalse(Normalizer.isNormalized("e\u0301", Normalizer.Form.NFC));
            assertTrue(s3.head("names-in", "ünïcode dir/e\u0301 decomposed (NFD).txt").isPresent(), "NFD kept as NFD");
            for (String name : NAMES) {
                byte[] body = new byte[200];
                int n = s3.read("names-in", "ünïcode dir/" + name, 0, body, 0, body.length);
                assertEquals("content of " + name, new String(body, 0, n, UTF_8), name);
            }
        }

        @Test
        @DisplayName("put through S3: ls shows each exact name, and it reads")
        void s3ToMount() throws IOException {
            assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "file names need a UTF-8 locale in the JVM");
            s3.createBucket("names-out");
            for (String name : NAMES) {
                s3.put("names-out", "földer/" + name, ("s3 " + name).getBytes(UTF_8), Map.of(), "text/plain");
            }
            Path folder = mount.mountPoint().resolve("names-out").resolve("földer");

            assertEquals(NAMES.stream().sorted().toList(), names(folder));
            for (String name : NAMES) {
                assertEquals("s3 " + name, Files.readString(folder.resolve(name)), name);
            }
            String ls = run(folder, "ls", "-1A", "--quoting-style=literal");
            assertEquals(new TreeSet<>(NAMES), new TreeSet<>(ls.lines().toList()));
        }

        @Test
        @DisplayName("mv to a Unicode name and rm of it act on the exact key")
        void renameAndRemove() throws IOException {
            assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "file names need a UTF-8 locale in the JVM");
            s3.createBucket("names-mv");
            Path b = mount.mountPoint().resolve("names-mv");
            Files.writeString(b.resolve("plain.txt"), "x");

            run(b, "mv", "plain.txt", "ñandú 🐦.txt");
            assertEquals(List.of("ñandú 🐦.txt"), keys("names-mv", ""));

            run(b, "rm", "ñandú 🐦.txt");
            assertEquals(List.of(), keys("names-mv", ""));
        }
    }

    /**
     * A store that adds keys to one bucket's listings and HEADs as S3 lists them (delimiter "/"),
     * for keys the test server cannot store. Reads of those keys go to the real store (404). A
     * dynamic proxy, so it keeps compiling when the store interface grows.
     */
    private static final class ExtraKeys implements InvocationHandler {
        private final ObjectStore delegate;
        private final String bucketName;
        private final List<String> extra;

        private ExtraKeys(ObjectStore delegate, String bucketName, List<String> extra) {
            this.delegate = delegate;
            this.bucketName = bucketName;
            this.extra = extra;
        }

        static ObjectStore wrap(ObjectStore delegate, String bucketName, List<String> extra) {
            return (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(), new Class<?>[] {ObjectStore.class},
                    new ExtraKeys(delegate, bucketName, extra));
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.isDefault()) {
                // list(...) pages through listPage(...) of this proxy, so that the extra keys show.
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            Object result;
            try {
                result = method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (method.getName().equals("listPage") && bucketName.equals(args[0]) && args[2] == null) {
                return withExtra((ListPage) result, (String) args[1]);
            }
            if (method.getName().equals("head") && bucketName.equals(args[0]) && extra.contains((String) args[1])) {
                return Optional.of(info((String) args[1]));
            }
            return result;
        }

        private ListPage withExtra(ListPage page, String prefix) {
            TreeMap<String, ObjectInfo> objects = new TreeMap<>();
            page.objects().forEach(o -> objects.put(o.key(), o));
            TreeSet<String> prefixes = new TreeSet<>(page.commonPrefixes());
            for (String key : extra) {
                if (!key.startsWith(prefix)) {
                    continue;
                }
                int slash = key.indexOf('/', prefix.length());
                if (slash < 0) {
                    objects.putIfAbsent(key, info(key));
                } else {
                    prefixes.add(key.substring(0, slash + 1));
                }
            }
            return new ListPage(new ArrayList<>(objects.values()), new ArrayList<>(prefixes), page.nextToken());
        }

        private static ObjectInfo info(String key) {
            return new ObjectInfo(key, 7, Instant.parse("2024-01-01T00:00:00Z"), "0123456789abcdef0123456789abcdef", null, "text/plain");
        }
    }

    @Test
    @DisplayName("the extra keys really cannot be stored by S3Proxy (else this class should put them for real)")
    void serverRefusesTheKeys() {
        s3.createBucket("probe-keys");
        for (String key : List.of("dir//x", "a/../b")) {
            assertThrows(FsException.class, () -> s3.put("probe-keys", key, new byte[1], Map.of(), "text/plain"), key);
        }
        s3.put("probe-keys", "./x", new byte[1], Map.of(), "text/plain");
        assertEquals(List.of("x"), keys("probe-keys", ""), "S3Proxy stores ./x as x");
    }
}
