package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.localstackmount.api.AttrOps;
import io.localstackmount.api.AttrsProvider;
import io.localstackmount.api.CachePolicy;
import io.localstackmount.api.CachePolicyProvider;
import io.localstackmount.api.DirOps;
import io.localstackmount.api.DirsProvider;
import io.localstackmount.api.Errno;
import io.localstackmount.api.FileOps;
import io.localstackmount.api.FilesProvider;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.HandlerProvider;
import io.localstackmount.api.Node;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.PluginSetting;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.api.RenameOps;
import io.localstackmount.api.RenameProvider;
import io.localstackmount.api.XattrOps;
import io.localstackmount.api.XattrProvider;
import io.localstackmount.core.Filesystem;
import io.localstackmount.core.FsConfig;
import io.localstackmount.core.PluginRegistry;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Building a filesystem from config and plugins: which handler each group gets, what a missing or
 * disabled group answers, what each plugin is given, and what close frees. Handlers are recording
 * stubs (the real ones have their own tests); the store is the fake, the time the test's.
 */
class FilesystemTest {
    private final FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    private final ManualTime time = new ManualTime();
    private final FakeObjectStore store = new FakeObjectStore(time.clock()).withBuckets("b");
    /** The context each provider was created with, by "ProviderType:name". */
    private final Map<String, FsContext> contexts = new HashMap<>();
    /** Every call a handler received, as "Interface.method". */
    private final List<String> calls = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void closeJimfs() throws IOException {
        jimfs.close();
    }

    @SuppressWarnings("unchecked")
    private <T> T recording(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            calls.add(type.getSimpleName() + "." + method.getName());
            return method.getReturnType() == List.class ? List.of() : null;
        });
    }

    /** A provider of {@code type} named {@code name}, declaring {@code settings}, whose product records its calls. */
    @SuppressWarnings("unchecked")
    private <P extends HandlerProvider<?>> P provider(Class<P> type, String name, Class<?> product, PluginSetting... settings) {
        return (P) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> switch (method.getName()) {
            case "name" -> name;
            case "settings" -> List.of(settings);
            case "create" -> {
                contexts.put(type.getSimpleName() + ":" + name, (FsContext) args[0]);
                yield product == CachePolicy.class ? noCache() : recording(product);
            }
            case "toString" -> type.getSimpleName() + ":" + name;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException(method.getName());
        });
    }

    /** A cache policy that keeps nothing. */
    private static CachePolicy noCache() {
        return (CachePolicy) Proxy.newProxyInstance(CachePolicy.class.getClassLoader(), new Class<?>[] {CachePolicy.class},
                (proxy, method, args) -> method.getName().equals("contentCache") ? Optional.empty() : null);
    }

    /** The three required groups with "standard" providers and an "etag" cache policy; rename and xattr as given. */
    private Map<PluginKind, List<HandlerProvider<?>>> required() {
        Map<PluginKind, List<HandlerProvider<?>>> m = new EnumMap<>(PluginKind.class);
        m.put(PluginKind.ATTRS, List.of(provider(AttrsProvider.class, "standard", AttrOps.class)));
        m.put(PluginKind.DIRS, List.of(provider(DirsProvider.class, "standard", DirOps.class)));
        m.put(PluginKind.FILES, List.of(provider(FilesProvider.class, "standard", FileOps.class,
                PluginSetting.size("part-size", "8m", "test"))));
        m.put(PluginKind.CACHE, List.of(provider(CachePolicyProvider.class, FsConfig.DEFAULT_CACHE_POLICY, CachePolicy.class)));
        return m;
    }

    private Map<PluginKind, List<HandlerProvider<?>>> all() {
        Map<PluginKind, List<HandlerProvider<?>>> m = required();
        m.put(PluginKind.RENAME, List.of(provider(RenameProvider.class, "standard", RenameOps.class)));
        m.put(PluginKind.XATTR, List.of(provider(XattrProvider.class, "standard", XattrOps.class)));
        return m;
    }

    private FsConfig config(UnaryOperator<FsConfig.Builder> tweak) {
        return tweak.apply(FsConfig.builder(tmp.resolve("staging")).cacheDir(tmp.resolve("cache"))).build();
    }

    private Filesystem create(Map<PluginKind, List<HandlerProvider<?>>> providers, UnaryOperator<FsConfig.Builder> tweak) {
        return Filesystem.create(store, config(tweak), PluginRegistry.of(providers), time.clock(), time);
    }

    private static FsPath path(String p) {
        return FsPath.parse(p);
    }

    private Errno errnoOf(Runnable op) {
        return assertThrows(FsException.class, op::run).errno();
    }

    @Nested
    @DisplayName("handlers")
    class Handlers {
        @Test
        @DisplayName("every group present: calls reach the handlers through the dispatcher")
        void allPresent() {
            try (Filesystem fs = create(all(), b -> b)) {
                fs.dispatcher().getattr(path("/b"));
                fs.dispatcher().mkdir(path("/b/d"), 0755);
                fs.dispatcher().unlink(path("/b/f"));
                fs.dispatcher().rename(path("/b/f"), path("/b/g"));
                fs.dispatcher().listxattr(path("/b/f"));
                assertEquals(List.of("AttrOps.getattr", "DirOps.mkdir", "FileOps.unlink", "RenameOps.rename", "XattrOps.listxattr"),
                        calls);
            }
        }

        @Test
        @DisplayName("no rename and no xattr provider: EXDEV (so mv copies) and ENOTSUP")
        void optionalAbsent() {
            try (Filesystem fs = create(required(), b -> b)) {
                assertEquals(Errno.EXDEV, errnoOf(() -> fs.dispatcher().rename(path("/b/f"), path("/b/g"))));
                assertEquals(Errno.ENOTSUP, errnoOf(() -> fs.dispatcher().getxattr(path("/b/f"), "user.x")));
            }
        }

        @Test
        @DisplayName("optional groups disabled in config answer EXDEV and ENOTSUP although providers exist, and are never created")
        void optionalDisabled() {
            try (Filesystem fs = create(all(), b -> b.disable(PluginKind.RENAME).disable(PluginKind.XATTR))) {
                assertEquals(Errno.EXDEV, errnoOf(() -> fs.dispatcher().rename(path("/b/f"), path("/b/g"))));
                assertEquals(Errno.ENOTSUP, errnoOf(() -> fs.dispatcher().listxattr(path("/b/f"))));
                assertTrue(contexts.keySet().stream().noneMatch(k -> k.startsWith("RenameProvider") || k.startsWith("XattrProvider")),
                        contexts.keySet().toString());
            }
        }

        @Test
        @DisplayName("a required group without a provider stops the start, naming the group and the missing module")
        void requiredMissing() {
            Map<PluginKind, List<HandlerProvider<?>>> providers = all();
            providers.remove(PluginKind.ATTRS);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> create(providers, b -> b));
            assertTrue(e.getMessage().contains("attrs"), e.getMessage());
            assertTrue(e.getMessage().contains("localstackmount-plugin-attrs"), e.getMessage());
        }

        @Test
        @DisplayName("a required group cannot be disabled")
        void requiredDisabled() {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> create(all(), b -> b.disable(PluginKind.FILES)));
            assertTrue(e.getMessage().contains("files"), e.getMessage());
        }

        @Test
        @DisplayName("config selects a provider by name; an unknown name stops the start listing what was found")
        void selectedByName() {
            Map<PluginKind, List<HandlerProvider<?>>> providers = all();
            providers.put(PluginKind.DIRS, List.of(provider(DirsProvider.class, "standard", DirOps.class),
                    provider(DirsProvider.class, "flat", DirOps.class)));
            try (Filesystem fs = create(providers, b -> b.provider(PluginKind.DIRS, "flat"))) {
                assertTrue(contexts.containsKey("DirsProvider:flat"));
                assertFalse(contexts.containsKey("DirsProvider:standard"));
            }
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> create(all(), b -> b.provider(PluginKind.DIRS, "nested")));
            assertTrue(e.getMessage().contains("'nested'") && e.getMessage().contains("standard"), e.getMessage());
        }

        @Test
        @DisplayName("an unknown cache policy stops the start before anything is created, listing the policies found")
        void unknownCachePolicy() {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> create(all(), b -> b.cachePolicy("lru")));
            assertTrue(e.getMessage().contains("'lru'") && e.getMessage().contains(FsConfig.DEFAULT_CACHE_POLICY), e.getMessage());
            assertEquals(Map.of(), contexts);
            assertFalse(Files.exists(tmp.resolve("staging")), "no staging folder was made");
        }
    }

    @Nested
    @DisplayName("what plugins are given")
    class Contexts {
        @Test
        @DisplayName("each its own settings, as it declared them (defaults filled, sizes in bytes), and the mount options")
        void settings() {
            try (Filesystem fs = create(all(), b -> b.settings(PluginKind.FILES, new PluginSettings(Map.of("part-size", "16MiB"))))) {
                assertEquals(Map.of("part-size", "16777216"), contexts.get("FilesProvider:standard").settings().values());
                assertEquals(PluginSettings.EMPTY, contexts.get("AttrsProvider:standard").settings());
                assertEquals(0022, contexts.get("FilesProvider:standard").options().umask());
            }
            try (Filesystem fs = create(all(), b -> b)) {
                assertEquals(Map.of("part-size", "8388608"), contexts.get("FilesProvider:standard").settings().values(), "the default");
            }
        }

        @Test
        @DisplayName("a setting the plugin does not declare stops the start, naming the ones it has")
        void undeclaredSetting() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> create(all(), b -> b.settings(PluginKind.FILES, new PluginSettings(Map.of("partsize", "16m")))));
            assertTrue(e.getMessage().contains("'partsize'") && e.getMessage().contains("part-size"), e.getMessage());
        }

        @Test
        @DisplayName("the same shared services for all: namespace, open files, storage, clock, workers")
        void shared() {
            try (Filesystem fs = create(all(), b -> b)) {
                FsContext files = contexts.get("FilesProvider:standard");
                FsContext attrs = contexts.get("AttrsProvider:standard");
                assertSame(fs.namespace(), files.namespace());
                assertSame(files.namespace(), attrs.namespace());
                assertSame(files.openFiles(), attrs.openFiles());
                assertSame(files.storage(), attrs.storage());
                assertSame(files.store(), attrs.store());
                assertEquals(time.now(), files.clock().instant());
                assertNotNull(files.workers());
                assertTrue(files.cachePolicy().isPresent());
            }
        }

        @Test
        @DisplayName("a staging folder of the mount's own, inside the configured one")
        void staging() {
            try (Filesystem fs = create(all(), b -> b)) {
                Path staging = contexts.get("FilesProvider:standard").stagingDir();
                assertTrue(Files.isDirectory(staging));
                assertTrue(staging.startsWith(tmp.resolve("staging")));
                assertEquals(staging, contexts.get("AttrsProvider:standard").stagingDir());
            }
        }

        @Test
        @DisplayName("the store handed to plugins counts their requests")
        void counting() {
            try (Filesystem fs = create(all(), b -> b)) {
                contexts.get("FilesProvider:standard").store().head("b", "k");
                assertEquals(Map.of("head", 1L), fs.store().counts());
            }
        }

        @Test
        @DisplayName("a read through it that finds a new version updates what the mount shows")
        void observed() {
            store.with("b", "k", "old");
            try (Filesystem fs = create(all(), b -> b)) {
                Node before = fs.namespace().find(path("/b/k")).orElseThrow();
                store.with("b", "k", "a newer body");
                contexts.get("FilesProvider:standard").store().head("b", "k");
                Node after = fs.namespace().find(path("/b/k")).orElseThrow();
                assertEquals(3, before.size());
                assertEquals(12, after.size());
            }
        }

        @Test
        @DisplayName("pluginContext gives a plugin's classes a context with the settings given")
        void pluginContext() {
            try (Filesystem fs = create(all(), b -> b)) {
                FsContext ctx = fs.pluginContext(new PluginSettings(Map.of("x", "1")));
                assertEquals("1", ctx.settings().get("x", null));
                assertSame(fs.namespace(), ctx.namespace());
            }
        }
    }

    @Nested
    @DisplayName("start and close")
    class Lifecycle {
        @Test
        @DisplayName("close discards open files, removes the staging folder and closes the store")
        void close() {
            Filesystem fs = create(all(), b -> b);
            FsContext ctx = contexts.get("FilesProvider:standard");
            Path staging = ctx.stagingDir();
            boolean[] discarded = {false};
            ctx.openFiles().register(openFile(path("/b/f"), () -> discarded[0] = true));
            fs.close();
            assertTrue(discarded[0]);
            assertTrue(Files.notExists(staging));
            assertTrue(store.isClosed());
        }

        @Test
        @DisplayName("the staging folder may live on any java.nio FileSystem (Jimfs here)")
        void stagingOnJimfs() {
            Filesystem fs = Filesystem.create(store, FsConfig.builder(jimfs.getPath("/staging")).cacheDir(tmp.resolve("cache")).build(),
                    PluginRegistry.of(all()), time.clock(), time);
            Path staging = contexts.get("FilesProvider:standard").stagingDir();
            assertEquals(jimfs, staging.getFileSystem());
            fs.close();
            assertTrue(Files.notExists(staging));
        }

        @Test
        @DisplayName("a start that fails leaves no staging folder behind")
        void failedStartCleansUp() throws IOException {
            Map<PluginKind, List<HandlerProvider<?>>> providers = all();
            providers.remove(PluginKind.FILES);
            assertThrows(IllegalStateException.class, () -> create(providers, b -> b));
            Path parent = tmp.resolve("staging");
            if (Files.exists(parent)) {
                try (Stream<Path> left = Files.list(parent)) {
                    assertEquals(List.of(), left.toList());
                }
            }
        }
    }

    /** An open file that holds nothing and says when it is discarded. */
    private static OpenFile openFile(FsPath p, Runnable onDiscard) {
        return new OpenFile() {
            @Override
            public FsPath path() {
                return p;
            }

            @Override
            public Node attributes() {
                return null;
            }

            @Override
            public void moveTo(FsPath newPath) {
            }

            @Override
            public Optional<Node> unsavedNode() {
                return Optional.empty();
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
                onDiscard.run();
            }
        };
    }
}
