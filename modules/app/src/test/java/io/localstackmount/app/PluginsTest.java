package io.localstackmount.app;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Selection checks at start-up and the {@code plugins} table, with the example jar dropped in. */
class PluginsTest {
    @TempDir
    Path tmp;

    private record Run(AppConfig config, ConfigSources sources, Plugins plugins) {
    }

    private Run run(String... args) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        if (!Files.exists(plugins.resolve("checksums.jar"))) {
            PluginJars.build(PluginJars.exampleSources(), plugins.resolve("checksums.jar"));
            Files.writeString(plugins.resolve("broken.jar"), "not a jar");
        }
        CliOptions cli = CliParser.parse(List.of(args), tmp);
        Map<String, String> env = Map.of();
        ConfigSources sources = ConfigSources.load(cli.flags(), null, env, tmp, tmp.resolve("no-user-config"));
        AppConfig config = ConfigLoader.load(sources, List.of(plugins), env, tmp, tmp.resolve("no-user-config"));
        return new Run(config, sources, Plugins.load(config, getClass().getClassLoader()));
    }

    private String error(String... args) throws Exception {
        Run r = run(args);
        return assertThrows(ConfigException.class, () -> r.plugins().validate(r.config(), r.sources())).getMessage();
    }

    @Test
    @DisplayName("selecting the drop-in passes; its settings go through unchecked")
    void selectDropIn() throws Exception {
        Run r = run("--set", "plugins.xattr=checksums", "--set", "plugin.xattr.algorithms=md5");
        r.plugins().validate(r.config(), r.sources());
    }

    @Test
    @DisplayName("an unknown provider name: the key, what was found with its jar, the broken jar, a suggestion")
    void unknownName() throws Exception {
        String m = error("--set", "plugins.xattr=checksum");
        assertTrue(m.startsWith("plugins.xattr = checksum (--set): config asks for xattr provider 'checksum'"), m);
        assertTrue(m.contains("checksums (module io.localstackmount.example.checksums in " + tmp.resolve("plugins/checksums.jar")), m);
        assertTrue(m.contains(tmp.resolve("plugins/broken.jar").toString()), m);
        assertTrue(m.endsWith("did you mean 'checksums'?"), m);
    }

    @Test
    @DisplayName("a misspelt setting of a built-in provider is an unknown key")
    void builtInSetting() throws Exception {
        String m = error("--set", "plugin.rename.max-key=10");
        assertTrue(m.contains("unknown configuration key 'plugin.rename.max-key' (--set)"), m);
        assertTrue(m.contains("did you mean 'plugin.rename.max-keys'"), m);
    }

    @Test
    @DisplayName("the table: every provider with status, module and jar; skipped jars below")
    void table() throws Exception {
        Run r = run("--set", "plugins.xattr=checksums", "--set", "plugins.rename.enabled=false");
        String t = r.plugins().table(r.config());
        assertTrue(t.startsWith("GROUP"), t);
        assertTrue(t.matches("(?s).*xattr +checksums +selected +io\\.localstackmount\\.example\\.checksums +\\S*checksums\\.jar.*"), t);
        assertTrue(t.matches("(?s).*xattr +standard +available .*"), t);
        assertTrue(t.matches("(?s).*rename +standard +off \\(plugins\\.rename\\.enabled = false\\).*"), t);
        assertTrue(t.contains("broken.jar"), t);
    }
}
