package io.localstackmount.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.app.ConfigSources.Setting;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spellings of the mount ecosystem: mount(8)'s {@code SOURCE DIR -o OPTIONS} as fuse3's
 * mount.fuse runs a helper, FUSE's {@code -f}, {@code --daemon}, the subcommands, {@code --version},
 * and the closest name for a misspelt option. One set of names: every flag without its dashes and
 * every configuration key is an {@code -o} item.
 */
class MountHelperFormTest {
    private static final Path CWD = Path.of("/work/here");

    private static CliOptions parse(String... args) {
        return CliParser.parse(List.of(args), CWD);
    }

    private static Map<String, String> flags(CliOptions o) {
        Map<String, String> m = new LinkedHashMap<>();
        o.flags().forEach(s -> m.put(s.key(), s.value()));
        return m;
    }

    private static String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
    }

    @Nested
    @DisplayName("SOURCE MOUNTPOINT, as mount.fuse runs a helper")
    class HelperForm {
        @Test
        @DisplayName("'localstackmount' as SOURCE mounts every bucket, in the background")
        void allBuckets() {
            CliOptions o = parse("localstackmount", "/mnt/s3", "-o", "rw,endpoint=http://127.0.0.1:9000,dev,suid");
            assertEquals(Map.of("mount.read-only", "false", "s3.endpoint", "http://127.0.0.1:9000", "mount.point", "/mnt/s3"), flags(o));
            assertTrue(o.helperForm());
            assertTrue(o.background(), "a mount helper returns once mounted");
            assertEquals(List.of("dev", "suid"), o.ignored());
        }

        @Test
        @DisplayName("BUCKET/PREFIX as SOURCE is --bucket; -f keeps it in the foreground")
        void bucketSource() {
            CliOptions o = parse("data/exports", "/mnt/s3", "-f");
            assertEquals("data/exports", flags(o).get("mount.bucket"));
            assertEquals("SOURCE argument", o.flags().get(0).source());
            assertFalse(o.background());
        }

        @Test
        @DisplayName("fstab's 'localstackmount#BUCKET' spelling is BUCKET")
        void hashSource() {
            assertEquals("data", flags(parse("localstackmount#data", "/mnt/s3")).get("mount.bucket"));
        }

        @Test
        @DisplayName("one word is the mount point and runs in the foreground unless --daemon")
        void oneWord() {
            assertFalse(parse("/mnt/s3").background());
            assertTrue(parse("/mnt/s3", "--daemon").background());
            assertFalse(parse("/mnt/s3").helperForm());
        }
    }

    @Nested
    @DisplayName("-o")
    class MountOptions {
        @Test
        @DisplayName("FUSE and mount options map to their keys")
        void fuseOptions() {
            Map<String, String> f = flags(parse("-o", "ro,allow_other,uid=1000,gid=100,umask=027,nonempty,debug", "mnt"));
            assertEquals("true", f.get("mount.read-only"));
            assertEquals("true", f.get("mount.allow-other"));
            assertEquals("1000", f.get("mount.uid"));
            assertEquals("100", f.get("mount.gid"));
            assertEquals("027", f.get("mount.umask"));
            assertEquals("true", f.get("mount.nonempty"));
            assertEquals("true", f.get("mount.debug"));
        }

        @Test
        @DisplayName("options for mount(8) and systemd are accepted and ignored")
        void ignored() {
            CliOptions o = parse("-o", "_netdev,nofail,noauto,x-systemd.automount,x-systemd.mount-timeout=30,defaults,user,nosuid", "mnt");
            assertEquals(Map.of("mount.point", "mnt"), flags(o));
            assertEquals(8, o.ignored().size());
        }

        @Test
        @DisplayName("every flag without dashes, switches with or without a value")
        void flagsWithoutDashes() {
            Map<String, String> f = flags(parse("-o", "endpoint=http://h:1,region=eu-west-1,ttl=0,read-only,embedded=fallback", "mnt"));
            assertEquals("http://h:1", f.get("s3.endpoint"));
            assertEquals("eu-west-1", f.get("s3.region"));
            assertEquals("0", f.get("metadata.ttl"));
            assertEquals("0", f.get("metadata.negative-ttl"));
            assertEquals("true", f.get("mount.read-only"));
            assertEquals("fallback", f.get("embedded"));
            for (CliFlags.Flag flag : CliFlags.ALL) {
                String item = flag.isSwitch() ? flag.bare() : flag.bare() + "=x";
                assertFalse(flags(parse("-o", item)).isEmpty(), item);
            }
        }

        @Test
        @DisplayName("every configuration key, plugin settings too; \\, is a comma in a value")
        void keys() {
            Map<String, String> f = flags(parse("-o", "s3.endpoint=http://h:1,plugin.rename.max-keys=5000,mount.bucket-filter=a\\,b*"));
            assertEquals("http://h:1", f.get("s3.endpoint"));
            assertEquals("5000", f.get("plugin.rename.max-keys"));
            assertEquals("a,b*", f.get("mount.bucket-filter"));
            for (String key : ConfigKeys.all()) {
                assertEquals("v", flags(parse("-o", key + "=v")).get(key), key);
            }
        }

        @Test
        @DisplayName("the source of a setting names the -o item, for messages")
        void source() {
            Setting s = parse("-o", "ttl=x").flags().get(0);
            assertEquals("-o ttl", s.source());
        }

        @Test
        @DisplayName("repeatable, clustered (-oro) and in order with the flags: a later one wins")
        void order() {
            assertEquals("true", flags(parse("--region", "a", "-oro", "-o", "region=b")).get("mount.read-only"));
            assertEquals("b", flags(parse("--region", "a", "-o", "region=b")).get("s3.region"));
            assertEquals("a", flags(parse("-o", "region=b", "--region", "a")).get("s3.region"));
        }

        @Test
        @DisplayName("an unknown item names the closest one; a valued name without its value says so")
        void mistakes() {
            assertTrue(error("-o", "endpiont=http://x").contains("did you mean 'endpoint'"), error("-o", "endpiont=http://x"));
            assertTrue(error("-o", "alow_other").contains("did you mean 'allow_other'"));
            assertTrue(error("-o", "s3.endpont=x").contains("did you mean 's3.endpoint'"));
            assertTrue(error("-o", "endpoint").contains("needs a value"));
            assertTrue(error("-o", "uid").contains("needs a value"));
        }
    }

    @Nested
    @DisplayName("commands and conventions")
    class Commands {
        @Test
        @DisplayName("--version and -V")
        void version() {
            assertEquals(CliOptions.Command.VERSION, parse("--version").command());
            assertEquals(CliOptions.Command.VERSION, parse("-V").command());
        }

        @Test
        @DisplayName("unmount DIR (and umount), status [DIR], completion")
        void subcommands() {
            CliOptions u = parse("unmount", "mnt");
            assertEquals(CliOptions.Command.UNMOUNT, u.command());
            assertEquals(CWD.resolve("mnt"), u.target());
            assertEquals(CliOptions.Command.UNMOUNT, parse("umount", "/m").command());
            assertTrue(error("unmount").contains("DIR"), error("unmount"));
            assertEquals(CliOptions.Command.STATUS, parse("status").command());
            assertNull(parse("status").target());
            assertEquals(Path.of("/m"), parse("status", "/m").target());
            assertEquals(CliOptions.Command.COMPLETION, parse("completion").command());
            assertTrue(CliParser.completionScript().contains("localstackmount"));
            assertTrue(parse("unmount", "--help").help().contains("unmount"));
        }

        @Test
        @DisplayName("-f, -d (debug in the foreground) and -s (ignored) of FUSE")
        void fuseSwitches() {
            assertFalse(parse("-f", "mnt").background());
            CliOptions d = parse("src", "mnt", "-d");
            assertFalse(d.background());
            assertEquals("true", flags(d).get("mount.debug"));
            assertEquals(List.of("-s"), parse("-s", "mnt").ignored());
        }

        @ParameterizedTest
        @ValueSource(strings = {"--endpiont", "--readonly", "--read-onyl", "--embeded", "--busy-timout", "--log-levl"})
        @DisplayName("a misspelt option is answered with the closest one")
        void suggestion(String option) {
            String message = error(option);
            assertTrue(message.startsWith("unknown option " + option + "; did you mean --"), message);
        }

        @Test
        @DisplayName("a misspelt option with a value names the option and the closest one, not the value")
        void suggestionInline() {
            String message = error("--endpont=http://x");
            assertEquals("unknown option --endpont; did you mean --endpoint?", message);
        }
    }
}
