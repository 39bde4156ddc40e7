package io.localstackmount.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.FsContext;
import io.localstackmount.api.HandlerProvider;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.XattrOps;
import io.localstackmount.api.XattrProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins are selected by name; built-ins are ordinary providers; mistakes list what was found. */
class PluginRegistryTest {

    /** An xattr provider with a given name. */
    static class Named implements XattrProvider {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public XattrOps create(FsContext context) {
            throw new UnsupportedOperationException();
        }
    }

    /** Another class, so that two providers can share a name and still be told apart. */
    static final class Twin extends Named {
        Twin(String name) {
            super(name);
        }
    }

    private static PluginRegistry registry(HandlerProvider<?>... xattrProviders) {
        return PluginRegistry.of(Map.of(PluginKind.XATTR, List.of(xattrProviders)));
    }

    @Nested
    @DisplayName("select")
    class Select {
        @Test
        @DisplayName("by the name config gives")
        void byName() {
            Named a = new Named("a");
            Named b = new Named("b");
            assertSame(b, registry(a, b).select(PluginKind.XATTR, "b").orElseThrow());
        }

        @Test
        @DisplayName("the only provider when config names none, whatever its name")
        void only() {
            Named fancy = new Named("fancy");
            assertSame(fancy, registry(fancy).select(PluginKind.XATTR, null).orElseThrow());
        }

        @Test
        @DisplayName("\"standard\" among several when config names none")
        void standard() {
            Named std = new Named(PluginRegistry.STANDARD);
            assertSame(std, registry(new Named("x"), std, new Named("y")).select(PluginKind.XATTR, null).orElseThrow());
        }

        @Test
        @DisplayName("several without \"standard\" and no name in config: an error listing them")
        void severalNoStandard() {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> registry(new Named("x"), new Named("y")).select(PluginKind.XATTR, null));
            assertTrue(e.getMessage().contains("x") && e.getMessage().contains("y"), e.getMessage());
            assertTrue(e.getMessage().contains("xattr"), e.getMessage());
        }

        @Test
        @DisplayName("an unknown name: an error naming it and listing the names found")
        void unknownName() {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> registry(new Named("standard"), new Named("fast")).select(PluginKind.XATTR, "turbo"));
            String m = e.getMessage();
            assertTrue(m.contains("'turbo'"), m);
            assertTrue(m.contains("standard") && m.contains("fast"), m);
            assertTrue(m.contains("xattr"), m);
        }

        @Test
        @DisplayName("an unknown name in an empty group says that none were found")
        void unknownNameEmptyGroup() {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> registry().select(PluginKind.XATTR, "standard"));
            assertTrue(e.getMessage().contains("(none)"), e.getMessage());
        }

        @Test
        @DisplayName("two providers with one name: an error naming both classes, even when another name is asked for")
        void duplicateNames() {
            PluginRegistry r = registry(new Named("standard"), new Twin("standard"), new Named("other"));
            for (String requested : new String[] {null, "standard", "other"}) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.select(PluginKind.XATTR, requested));
                String m = e.getMessage();
                assertTrue(m.contains("'standard'"), m);
                assertTrue(m.contains(Named.class.getName()) && m.contains(Twin.class.getName()), m);
            }
        }

        @Test
        @DisplayName("an empty group selects nothing (whether that is fatal is the filesystem's call)")
        void emptyGroup() {
            assertEquals(Optional.empty(), registry().select(PluginKind.XATTR, null));
            assertEquals(Optional.empty(), registry().select(PluginKind.ATTRS, null));
        }

        @Test
        @DisplayName("groups do not mix: a name in one group is unknown in another")
        void groupsApart() {
            PluginRegistry r = registry(new Named("standard"));
            assertThrows(IllegalStateException.class, () -> r.select(PluginKind.RENAME, "standard"));
        }
    }

    @Nested
    @DisplayName("load through ServiceLoader")
    class Load {
        @TempDir
        Path dir;

        /** A class loader whose only addition is a META-INF/services file for the xattr group. */
        private ClassLoader withServices(String... classNames) throws IOException {
            Path services = Files.createDirectories(dir.resolve("META-INF/services"));
            Files.write(services.resolve(XattrProvider.class.getName()), List.of(classNames));
            return new URLClassLoader(new URL[] {dir.toUri().toURL()}, PluginRegistryTest.class.getClassLoader());
        }

        @Test
        @DisplayName("a broken provider is logged and skipped; the good one is found")
        void brokenSkipped() throws IOException {
            ClassLoader loader = withServices(GoodXattr.class.getName(), BrokenXattr.class.getName(),
                    "io.localstackmount.nowhere.MissingXattr", NamelessXattr.class.getName());
            PluginRegistry r = PluginRegistry.load(ModuleLayer.boot(), loader);
            assertEquals(List.of("good"), r.providers(PluginKind.XATTR).stream().map(HandlerProvider::name).toList());
            assertEquals(3, r.failures().size(), r.failures().toString());
            assertTrue(r.failures().stream().allMatch(f -> f.group() == PluginKind.XATTR));
            assertTrue(r.failures().toString().contains(BrokenXattr.class.getName()), r.failures().toString());
            assertTrue(r.failures().toString().contains("MissingXattr"), r.failures().toString());
            assertTrue(r.failures().toString().contains(NamelessXattr.class.getName()), r.failures().toString());
            assertEquals("good", r.select(PluginKind.XATTR, null).orElseThrow().name());
        }

        @Test
        @DisplayName("asking for a name that failed to load is fatal and says why the others were skipped")
        void brokenSelected() throws IOException {
            ClassLoader loader = withServices(GoodXattr.class.getName(), BrokenXattr.class.getName());
            PluginRegistry r = PluginRegistry.load(ModuleLayer.boot(), loader, List.of("plugins/odd.jar: not a module"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.select(PluginKind.XATTR, "broken"));
            String m = e.getMessage();
            assertTrue(m.contains("good"), m);
            assertTrue(m.contains(BrokenXattr.class.getName()), m);
            assertTrue(m.contains("constructor says no"), m);
            assertTrue(m.contains("plugins/odd.jar: not a module"), m);
        }

        @Test
        @DisplayName("origin says where a provider came from")
        void origin() throws IOException {
            PluginRegistry r = PluginRegistry.load(ModuleLayer.boot(), withServices(GoodXattr.class.getName()));
            HandlerProvider<?> good = r.providers(PluginKind.XATTR).get(0);
            String origin = PluginRegistry.origin(good);
            assertTrue(origin.contains("test-classes") || origin.endsWith(".jar"), origin);
        }
    }

    /** Found through the services file: public, with a public no-argument constructor. */
    public static final class GoodXattr extends Named {
        public GoodXattr() {
            super("good");
        }
    }

    public static final class BrokenXattr extends Named {
        public BrokenXattr() {
            super("broken");
            throw new IllegalStateException("constructor says no");
        }
    }

    public static final class NamelessXattr extends Named {
        public NamelessXattr() {
            super(" ");
        }
    }
}
