package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.FsContext;
import io.localstackmount.api.HandlerProvider;
import io.localstackmount.api.PluginKind;
import io.localstackmount.api.PluginSetting;
import io.localstackmount.api.PluginSettings;
import io.localstackmount.core.DeclaredSettings;
import io.localstackmount.core.PluginRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A provider's settings as it declares them, applied to what config gives it: undeclared settings
 * refused, defaults filled in, sizes and times normalised to bytes and seconds, malformed values
 * refused naming the setting. The stub declares:
 * <pre>
 * count      NUMBER   16
 * part-size  SIZE     8m
 * wait       SECONDS  30s
 * label      TEXT     standard
 * </pre>
 */
class DeclaredSettingsTest {
    private static final HandlerProvider<Object> STUB = provider("stub",
            PluginSetting.number("count", 16, "how many"),
            PluginSetting.size("part-size", "8m", "how big"),
            PluginSetting.seconds("wait", "30s", "how long"),
            new PluginSetting("label", "standard", PluginSetting.Type.TEXT, "what to call it"));

    @TempDir
    Path dir;

    private static HandlerProvider<Object> provider(String name, PluginSetting... settings) {
        return new HandlerProvider<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<PluginSetting> settings() {
                return List.of(settings);
            }

            @Override
            public Object create(FsContext context) {
                return context.settings();
            }
        };
    }

    private static Map<String, String> resolve(Map<String, String> given) {
        return DeclaredSettings.resolve(STUB, new PluginSettings(given)).values();
    }

    private static String refusal(Map<String, String> given) {
        return assertThrows(IllegalArgumentException.class, () -> resolve(given)).getMessage();
    }

    @Nested
    @DisplayName("resolve")
    class Resolve {
        @Test
        @DisplayName("nothing given: every declared setting with its default, normalised")
        void defaults() {
            assertEquals(Map.of("count", "16", "part-size", "8388608", "wait", "30", "label", "standard"), resolve(Map.of()));
        }

        @Test
        @DisplayName("what is given replaces the default of that setting only")
        void given() {
            assertEquals(Map.of("count", "4", "part-size", "8388608", "wait", "30", "label", "mine"),
                    resolve(Map.of("count", "4", "label", "mine")));
        }

        @Test
        @DisplayName("an undeclared setting is refused, naming it and the settings there are")
        void undeclared() {
            String message = refusal(Map.of("partsize", "16m"));
            assertTrue(message.contains("'partsize'"), message);
            assertTrue(message.contains("stub"), message);
            assertTrue(message.contains("count, part-size, wait, label"), message);
        }

        @Test
        @DisplayName("a provider that declares nothing takes nothing, and says it has none")
        void declaresNothing() {
            HandlerProvider<Object> bare = provider("bare");
            assertEquals(Map.of(), DeclaredSettings.resolve(bare, PluginSettings.EMPTY).values());
            String message = assertThrows(IllegalArgumentException.class,
                    () -> DeclaredSettings.resolve(bare, new PluginSettings(Map.of("x", "1")))).getMessage();
            assertTrue(message.contains("'x'") && message.contains("none"), message);
        }

        @Test
        @DisplayName("surrounding whitespace is trimmed")
        void whitespace() {
            assertEquals("4", resolve(Map.of("count", " 4 ")).get("count"));
            assertEquals("8388608", resolve(Map.of("part-size", " 8m ")).get("part-size"));
        }
    }

    @Nested
    @DisplayName("values")
    class Values {
        @ParameterizedTest(name = "size {0} = {1} bytes")
        @CsvSource({"1048576, 1048576", "512k, 524288", "8m, 8388608", "8M, 8388608", "16MiB, 16777216", "16 MiB, 16777216",
                "1g, 1073741824", "1GB, 1073741824", "1t, 1099511627776", "0, 0"})
        void sizes(String given, String bytes) {
            assertEquals(bytes, resolve(Map.of("part-size", given)).get("part-size"));
        }

        @ParameterizedTest(name = "time {0} = {1} s")
        @CsvSource({"30, 30", "30s, 30", "5m, 300", "1h, 3600", "0, 0", "90S, 90"})
        void seconds(String given, String seconds) {
            assertEquals(seconds, resolve(Map.of("wait", given)).get("wait"));
        }

        @ParameterizedTest(name = "size {0} is refused")
        @CsvSource({"8x", "lots", "-1", "1.5g", "''", "99999999999999g"})
        void malformedSizes(String given) {
            String message = refusal(Map.of("part-size", given));
            assertTrue(message.contains("'part-size'"), message);
            assertTrue(message.contains("a size"), message);
        }

        @ParameterizedTest(name = "time {0} is refused")
        @CsvSource({"5d", "soon", "''", "1.5h", "m", "-5", "-1m"})
        void malformedTimes(String given) {
            String message = refusal(Map.of("wait", given));
            assertTrue(message.contains("'wait'"), message);
            assertTrue(message.contains("a time"), message);
        }

        @ParameterizedTest(name = "number {0} is refused")
        @CsvSource({"ten", "4k", "''", "1.0"})
        void malformedNumbers(String given) {
            String message = refusal(Map.of("count", given));
            assertTrue(message.contains("'count'"), message);
            assertTrue(message.contains("a whole number"), message);
        }

        @Test
        @DisplayName("text is taken as it is")
        void text() {
            assertEquals("any thing: 8m", resolve(Map.of("label", "any thing: 8m")).get("label"));
        }
    }

    @Nested
    @DisplayName("the built-in providers")
    class BuiltIn {
        private final PluginRegistry registry = PluginRegistry.load(ModuleLayer.boot(), DeclaredSettingsTest.class.getClassLoader());

        @Test
        @DisplayName("every declared default resolves")
        void defaultsResolve() {
            for (PluginKind kind : PluginKind.values()) {
                for (HandlerProvider<?> p : registry.providers(kind)) {
                    PluginSettings resolved = DeclaredSettings.resolve(p, PluginSettings.EMPTY);
                    assertEquals(p.settings().size(), resolved.values().size(), kind + " " + p.name());
                }
            }
        }

        @Test
        @DisplayName("the files plugin takes 16MiB as its part size, in bytes")
        void filesPartSize() {
            HandlerProvider<?> files = registry.select(PluginKind.FILES, "standard").orElseThrow();
            assertEquals("16777216", DeclaredSettings.resolve(files, new PluginSettings(Map.of("part-size", "16MiB")))
                    .values().get("part-size"));
        }

        @Test
        @DisplayName("a mount with trust-for takes cache.seconds = 5m; an undeclared cache setting stops it, naming seconds")
        void throughAMount() {
            try (TestMount m = TestMount.builder(dir.resolve("ok")).buckets("b").config(b -> b.cachePolicy("trust-for")
                    .settings(PluginKind.CACHE, new PluginSettings(Map.of("seconds", "5m")))).start()) {
                m.write("/b/f", "x");
                assertEquals("x", m.read("/b/f"));
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TestMount.builder(dir.resolve("refused")).config(b -> b.cachePolicy("trust-for")
                            .settings(PluginKind.CACHE, new PluginSettings(Map.of("secs", "5")))).start());
            assertTrue(e.getMessage().contains("'secs'") && e.getMessage().contains("seconds"), e.getMessage());
        }
    }
}
