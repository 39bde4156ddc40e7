package io.localstackmount.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.app.ConfigSources.Setting;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The command line: options become settings of the flag layer, the rest says what to run. */
class CliParserTest {
    private static final Path CWD = Path.of("/work/here");

    private static CliOptions parse(String... args) {
        return CliParser.parse(List.of(args), CWD);
    }

    private static Map<String, String> flags(CliOptions o) {
        return o.flags().stream().collect(Collectors.toMap(Setting::key, Setting::value, (a, b) -> b));
    }

    @Test
    @DisplayName("named options map to keys, with the option as their source")
    void named() {
        CliOptions o = parse("--endpoint", "http://x:1", "--region=eu-west-1", "--read-only", "--ttl", "0", "--bucket", "b/p",
                "--embedded", "--umask", "077", "mnt");
        assertEquals(Map.of("s3.endpoint", "http://x:1", "s3.region", "eu-west-1", "mount.read-only", "true",
                "metadata.ttl", "0", "metadata.negative-ttl", "0", "mount.bucket", "b/p", "embedded", "always",
                "mount.umask", "077", "mount.point", "mnt"), flags(o));
        assertEquals("--region", o.flags().stream().filter(s -> s.key().equals("s3.region")).findFirst().orElseThrow().source());
        assertEquals(CliOptions.Command.MOUNT, o.command());
    }

    @Test
    @DisplayName("--set KEY=VALUE, --config, --plugin-dir (repeatable), --print-config")
    void platform() {
        CliOptions o = parse("--set", "plugin.rename.max-keys=5000", "--set=mount.uid=7", "--config", "c.properties",
                "--plugin-dir", "a", "--plugin-dir", "/b", "--print-config");
        assertEquals(Map.of("plugin.rename.max-keys", "5000", "mount.uid", "7"), flags(o));
        assertEquals(Path.of("c.properties"), o.configFile());
        assertEquals(List.of(CWD.resolve("a"), Path.of("/b")), o.pluginDirs());
        assertTrue(o.printConfig());
        assertThrows(IllegalArgumentException.class, () -> parse("--set", "novalue"));
    }

    @Test
    @DisplayName("'plugins' as the first word is the subcommand, options may come before it")
    void pluginsCommand() {
        assertEquals(CliOptions.Command.PLUGINS, parse("plugins").command());
        assertEquals(CliOptions.Command.PLUGINS, parse("--plugin-dir", "/opt/p", "plugins").command());
        assertEquals(CliOptions.Command.MOUNT, parse("./plugins").command());
        assertThrows(IllegalArgumentException.class, () -> parse("plugins", "mnt"));
    }

    @Test
    @DisplayName("mistakes name the option")
    void mistakes() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--nope")).getMessage().contains("--nope"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--endpoint")).getMessage().contains("needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("a", "b", "c")).getMessage().contains("only one mount point"));
        String m = assertThrows(IllegalArgumentException.class, () -> parse("--read-only=false")).getMessage();
        assertTrue(m.contains("--read-only takes no value") && m.contains("--set mount.read-only=false"), m);
    }
}
