package io.localstackmount.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mount settings and the libfuse options they become; what can be checked without mounting. */
class MountSettingsTest {

    @Test
    @DisplayName("the short constructor keeps libfuse's default kernel cache of one second")
    void defaults() {
        MountSettings s = new MountSettings(true, false, true, Duration.ofSeconds(10));
        assertEquals(Duration.ofSeconds(1), s.kernelCache());
        assertTrue(s.allowOther());
        assertFalse(s.readOnly());
        assertTrue(s.debug());
        assertEquals(Duration.ofSeconds(10), s.busyTimeout());
    }

    /** FuseMount's private option builder, called as the mount calls it. */
    private static List<String> options(MountSettings settings) throws Exception {
        Method m = FuseMount.class.getDeclaredMethod("options", MountSettings.class);
        m.setAccessible(true);
        return List.of((String[]) m.invoke(null, settings));
    }

    /** The values of the -o arguments, split at commas. */
    private static List<String> values(List<String> args) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < args.size(); i += 2) {
            assertEquals("-o", args.get(i), args.toString());
            values.addAll(List.of(args.get(i + 1).split(",")));
        }
        return values;
    }

    @Nested
    @DisplayName("libfuse options")
    class Options {
        @Test
        @DisplayName("always: fsname, big writes and atomic O_TRUNC")
        void always() throws Exception {
            List<String> o = values(options(new MountSettings(false, false, false, Duration.ofSeconds(10))));
            assertTrue(o.contains("fsname=localstackmount"), o.toString());
            assertTrue(o.contains("big_writes"), o.toString());
            assertTrue(o.contains("atomic_o_trunc"), o.toString());
            assertFalse(o.contains("ro"), o.toString());
            assertFalse(o.contains("allow_other"), o.toString());
        }

        @Test
        @DisplayName("the kernel caches entries and attributes as long as the metadata TTL")
        void kernelCache() throws Exception {
            List<String> o = values(options(new MountSettings(false, false, false, Duration.ofSeconds(10), Duration.ofMillis(2500))));
            assertTrue(o.contains("entry_timeout=2.5"), o.toString());
            assertTrue(o.contains("attr_timeout=2.5"), o.toString());
            List<String> zero = values(options(new MountSettings(false, false, false, Duration.ofSeconds(10), Duration.ZERO)));
            assertTrue(zero.contains("entry_timeout=0.0") && zero.contains("attr_timeout=0.0"), zero.toString());
        }

        @Test
        @DisplayName("--allow-other brings the kernel's permission checks along; --read-only mounts ro")
        void allowOtherAndReadOnly() throws Exception {
            List<String> o = values(options(new MountSettings(true, true, false, Duration.ofSeconds(10))));
            assertTrue(o.contains("allow_other") && o.contains("default_permissions"), o.toString());
            assertTrue(o.contains("ro"), o.toString());
        }
    }

    @Nested
    @DisplayName("isMounted")
    class IsMounted {
        @TempDir
        Path dir;

        @Test
        @DisplayName("a fresh folder is not a mount point")
        void freshFolder() {
            assertFalse(FuseMount.isMounted(dir));
            assertFalse(FuseMount.isMounted(dir.resolve("with space")));
        }

        @Test
        @DisplayName("the root is, wherever /proc/mounts exists")
        void root() {
            if (java.nio.file.Files.isReadable(Path.of("/proc/mounts"))) {
                assertTrue(FuseMount.isMounted(Path.of("/")));
            }
        }
    }
}
