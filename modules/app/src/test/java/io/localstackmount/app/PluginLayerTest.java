package io.localstackmount.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.HandlerProvider;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.XattrProvider;
import io.localstackmount.core.PluginRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drop-in jars in one module layer, on the class path as tests run (through the bridge layer), and
 * what core's registry then finds. Jars are built here with javac, as a plugin author would.
 *
 * <pre>
 *   good/checksums.jar        the example plugin, from plugins/example-checksums
 *   &lt;test&gt;/...                broken and odd jars made per test
 * </pre>
 */
class PluginLayerTest {
    @TempDir
    static Path shared;
    private static Path example;

    @BeforeAll
    static void buildExample() {
        example = PluginJars.build(PluginJars.exampleSources(), shared.resolve("good/checksums.jar"));
    }

    private static PluginRegistry registry(PluginLayer.Result result) {
        return PluginRegistry.load(result.layer(), PluginLayerTest.class.getClassLoader(), result.problems());
    }

    private static List<String> names(PluginRegistry registry, PluginKind group) {
        return registry.providers(group).stream().map(HandlerProvider::name).sorted().collect(Collectors.toList());
    }

    private static Map<String, String> xattrPlugin(String module, String pkg, String name, String constructorBody) {
        String cls = pkg + ".P";
        return Map.of(
                "module-info.java", "module " + module + " { requires io.localstackmount.api;"
                        + " provides io.localstackmount.api.XattrProvider with " + cls + "; }",
                pkg.replace('.', '/') + "/P.java", "package " + pkg + ";\n"
                        + "public final class P implements io.localstackmount.api.XattrProvider {\n"
                        + "  public P() { " + constructorBody + " }\n"
                        + "  public String name() { return \"" + name + "\"; }\n"
                        + "  public io.localstackmount.api.XattrOps create(io.localstackmount.api.FsContext c) { return null; }\n"
                        + "}\n");
    }

    @Test
    @DisplayName("no plugin folder or no jars: the boot layer, nothing to report")
    void none(@TempDir Path empty) {
        PluginLayer.Result result = PluginLayer.load(List.of(empty, empty.resolve("missing")), getClass().getClassLoader());
        assertSame(ModuleLayer.boot(), result.layer());
        assertTrue(result.problems().isEmpty());
    }

    @Test
    @DisplayName("the example jar loads next to the built-ins, with the api's own types")
    void example() {
        PluginLayer.Result result = PluginLayer.load(List.of(example.getParent()), getClass().getClassLoader());
        assertEquals(Map.of("io.localstackmount.example.checksums", example), result.jars());
        PluginRegistry registry = registry(result);
        assertEquals(List.of("checksums", "standard"), names(registry, PluginKind.XATTR));
        HandlerProvider<?> checksums = registry.select(PluginKind.XATTR, "checksums").orElseThrow();
        assertTrue(checksums instanceof XattrProvider);
        assertEquals("io.localstackmount.example.checksums", PluginRegistry.moduleName(checksums));
        assertEquals(example.toString(), PluginRegistry.location(checksums).orElseThrow());
        // the other groups still have exactly their built-in
        assertEquals(List.of("standard"), names(registry, PluginKind.RENAME));
        assertEquals("standard", registry.select(PluginKind.XATTR, null).orElseThrow().name());
    }

    @Nested
    @DisplayName("a broken jar is reported by name and skipped; the rest load")
    class Broken {
        @Test
        @DisplayName("not a jar at all")
        void garbage(@TempDir Path dir) throws Exception {
            Files.copy(example, dir.resolve("checksums.jar"));
            Files.writeString(dir.resolve("aaa-garbage.jar"), "not a zip");
            PluginLayer.Result result = PluginLayer.load(List.of(dir), getClass().getClassLoader());
            assertEquals(1, result.problems().size(), result.problems().toString());
            assertTrue(result.problems().get(0).startsWith(dir.resolve("aaa-garbage.jar") + ": "), result.problems().toString());
            assertEquals(List.of("checksums", "standard"), names(registry(result), PluginKind.XATTR));
        }

        @Test
        @DisplayName("a module that requires one nobody has")
        void unresolved(@TempDir Path dir) throws Exception {
            Files.copy(example, dir.resolve("checksums.jar"));
            // wants.more requires needy, which is built elsewhere and not dropped in
            Path needy = PluginJars.build(xattrPlugin("needy", "needy", "needy", ""), Files.createTempDirectory("needy-").resolve("needy.jar"));
            Path wants = buildAgainst(Map.of(
                    "module-info.java", "module wants.more { requires needy; }",
                    "wants/more/X.java", "package wants.more; public class X {}"), needy, dir.resolve("wants.jar"));
            PluginLayer.Result result = PluginLayer.load(List.of(dir), getClass().getClassLoader());
            assertEquals(1, result.problems().size(), result.problems().toString());
            assertTrue(result.problems().get(0).startsWith(wants + ": ") && result.problems().get(0).contains("needy"),
                    result.problems().toString());
            assertEquals(List.of("checksums", "standard"), names(registry(result), PluginKind.XATTR));
        }

        @Test
        @DisplayName("a second jar with a module name already loaded")
        void duplicateModule(@TempDir Path dir) throws Exception {
            Files.copy(example, dir.resolve("a.jar"));
            Files.copy(example, dir.resolve("b.jar"));
            PluginLayer.Result result = PluginLayer.load(List.of(dir), getClass().getClassLoader());
            assertEquals(List.of(dir.resolve("b.jar") + ": module io.localstackmount.example.checksums is already loaded from "
                    + dir.resolve("a.jar") + "; skipped"), result.problems());
            assertEquals(List.of("checksums", "standard"), names(registry(result), PluginKind.XATTR));
        }

        @Test
        @DisplayName("a provider whose constructor throws: a failure naming the jar; fatal only when selected")
        void constructorThrows(@TempDir Path dir) {
            Path jar = PluginJars.build(xattrPlugin("boom", "boom", "boom", "throw new IllegalStateException(\"no luck\");"),
                    dir.resolve("boom.jar"));
            PluginLayer.Result result = PluginLayer.load(List.of(dir), getClass().getClassLoader());
            assertTrue(result.problems().isEmpty(), result.problems().toString());
            PluginRegistry registry = registry(result);
            assertEquals(1, registry.failures().size());
            assertTrue(registry.failures().get(0).toString().contains(jar.toString()), registry.failures().toString());
            assertTrue(registry.failures().get(0).toString().contains("no luck"), registry.failures().toString());
            assertEquals("standard", registry.select(PluginKind.XATTR, null).orElseThrow().name());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry.select(PluginKind.XATTR, "boom"));
            assertTrue(e.getMessage().contains("no luck") && e.getMessage().contains(jar.toString()), e.getMessage());
        }
    }

    @Test
    @DisplayName("a plain jar with META-INF/services loads as an automatic module")
    void automaticModule(@TempDir Path dir) {
        PluginJars.build(Map.of(
                "plain/P.java", "package plain;\n"
                        + "public final class P implements io.localstackmount.api.XattrProvider {\n"
                        + "  public String name() { return \"plain\"; }\n"
                        + "  public io.localstackmount.api.XattrOps create(io.localstackmount.api.FsContext c) { return null; }\n"
                        + "}\n",
                "META-INF/services/io.localstackmount.api.XattrProvider", "plain.P\n"), dir.resolve("plain-plugin.jar"));
        PluginLayer.Result result = PluginLayer.load(List.of(dir), getClass().getClassLoader());
        assertTrue(result.problems().isEmpty(), result.problems().toString());
        assertEquals(List.of("plain", "standard"), names(registry(result), PluginKind.XATTR));
    }

    @Nested
    @DisplayName("a drop-in that reaches past the api into the mount's own modules is refused, naming what it uses")
    class OnlyTheApi {
        @Test
        @DisplayName("a plain jar whose provider creates core's HandleTable")
        void plainJarUsingCore(@TempDir Path dir) {
            Path jar = PluginJars.build(Map.of(
                    "sneaky/S.java", "package sneaky;\n"
                            + "public final class S implements io.localstackmount.api.XattrProvider {\n"
                            + "  public String name() { return \"sneaky\"; }\n"
                            + "  public io.localstackmount.api.XattrOps create(io.localstackmount.api.FsContext c) {\n"
                            + "    new io.localstackmount.core.HandleTable();\n"
                            + "    return null;\n"
                            + "  }\n"
                            + "}\n",
                    "META-INF/services/io.localstackmount.api.XattrProvider", "sneaky.S\n"),
                    dir.resolve("sneaky.jar"), io.localstackmount.core.HandleTable.class);
            PluginLayer.Result result = PluginLayer.load(List.of(dir), getClass().getClassLoader());
            assertEquals(1, result.problems().size(), result.problems().toString());
            String problem = result.problems().get(0);
            assertTrue(problem.contains(jar.toString()) && problem.contains("io.localstackmount.core.HandleTable")
                    && problem.contains("only the api module io.localstackmount.api"), problem);
            assertEquals(List.of("standard"), names(registry(result), PluginKind.XATTR));
        }

        @Test
        @DisplayName("a module that requires io.localstackmount.core")
        void moduleRequiringCore(@TempDir Path dir) {
            Path jar = PluginJars.build(Map.of(
                    "module-info.java", "module sneaky.mod {\n"
                            + "  requires io.localstackmount.api;\n"
                            + "  requires io.localstackmount.core;\n"
                            + "}\n",
                    "sneaky/mod/Nothing.java", "package sneaky.mod;\npublic final class Nothing {}\n"),
                    dir.resolve("sneaky-mod.jar"), io.localstackmount.core.HandleTable.class,
                    classNamed("com.github.benmanes.caffeine.cache.Cache")); // core requires it

            PluginLayer.Result result = PluginLayer.load(List.of(dir), getClass().getClassLoader());
            assertEquals(1, result.problems().size(), result.problems().toString());
            assertTrue(result.problems().get(0).contains(jar + ": sneaky.mod requires io.localstackmount.core, which plugins cannot use"),
                    result.problems().get(0));
        }
    }

    private static Class<?> classNamed(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name + " is not on the test class path", e);
        }
    }

    @Test
    @DisplayName("a drop-in that takes a built-in's name: selecting fails, naming both and the jar")
    void nameClash(@TempDir Path dir) {
        Path jar = PluginJars.build(xattrPlugin("clash", "clash", "standard", ""), dir.resolve("clash.jar"));
        PluginRegistry registry = registry(PluginLayer.load(List.of(dir), getClass().getClassLoader()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry.select(PluginKind.XATTR, null));
        assertTrue(e.getMessage().contains("two xattr providers are named 'standard'"), e.getMessage());
        assertTrue(e.getMessage().contains(jar.toString()), e.getMessage());
    }

    /** Compiles a module against {@code dependency} (on the module path) without putting it in the jar. */
    private static Path buildAgainst(Map<String, String> files, Path dependency, Path jar) throws Exception {
        Path src = Files.createTempDirectory("src-");
        Path classes = Files.createTempDirectory("classes-");
        List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString(), "--module-path",
                dependency + java.io.File.pathSeparator + PluginJars.apiModulePath()));
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path f = src.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        assertEquals(0, java.util.spi.ToolProvider.findFirst("javac").orElseThrow().run(System.out, System.err, args.toArray(String[]::new)));
        assertEquals(0, java.util.spi.ToolProvider.findFirst("jar").orElseThrow()
                .run(System.out, System.err, "--create", "--file", jar.toString(), "-C", classes.toString(), "."));
        return jar;
    }
}
