package io.localstackmount.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * POSIX attributes in user metadata, in the format s3fs writes ({@code x-amz-meta-mode} is the
 * decimal st_mode with its type bits, {@code -mtime} decimal seconds), so objects keep their
 * attributes when they move between the two tools.
 */
class PosixMetadataTest {

    @Nested
    @DisplayName("mode and type (s3fs interop)")
    class Mode {
        @Test
        @DisplayName("\"33188\" is 0100644: a regular file with rw-r--r--")
        void regularFile() {
            Map<String, String> m = Map.of("mode", "33188");
            assertEquals(0100644, PosixMetadata.mode(m));
            assertEquals(PosixMetadata.S_IFREG, PosixMetadata.mode(m) & PosixMetadata.S_IFMT);
            assertEquals(0644, PosixMetadata.mode(m) & 07777);
            assertEquals(NodeType.FILE, PosixMetadata.type(m, NodeType.FILE));
        }

        @Test
        @DisplayName("S_IFLNK makes a symlink, whatever the fallback")
        void symlink() {
            Map<String, String> m = Map.of("mode", Integer.toString(PosixMetadata.S_IFLNK | 0777));
            assertEquals("41471", m.get("mode"));
            assertEquals(NodeType.SYMLINK, PosixMetadata.type(m, NodeType.FILE));
            assertEquals(NodeType.SYMLINK, PosixMetadata.type(m, NodeType.DIRECTORY));
        }

        @Test
        @DisplayName("S_IFDIR (\"16877\" = 040755) makes a folder")
        void directory() {
            Map<String, String> m = Map.of("mode", "16877");
            assertEquals(040755, PosixMetadata.mode(m));
            assertEquals(NodeType.DIRECTORY, PosixMetadata.type(m, NodeType.FILE));
        }

        @Test
        @DisplayName("a regular-file mode, or no type bits, keeps the fallback")
        void fallback() {
            assertEquals(NodeType.FILE, PosixMetadata.type(Map.of("mode", "33188"), NodeType.FILE));
            assertEquals(NodeType.FILE, PosixMetadata.type(Map.of("mode", "420"), NodeType.FILE));
            assertEquals(NodeType.FILE, PosixMetadata.type(Map.of(), NodeType.FILE));
            assertEquals(NodeType.FILE, PosixMetadata.type(null, NodeType.FILE));
        }

        @Test
        @DisplayName("surrounding whitespace is tolerated")
        void whitespace() {
            assertEquals(0100644, PosixMetadata.mode(Map.of("mode", " 33188 ")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "rw-r--r--", "0x81a4", "33188.0", "99999999999", "NaN"})
        @DisplayName("garbage modes read as absent (-1) and never pick a type")
        void garbage(String value) {
            Map<String, String> m = Map.of("mode", value);
            assertEquals(-1, PosixMetadata.mode(m));
            assertEquals(NodeType.FILE, PosixMetadata.type(m, NodeType.FILE));
        }

        @Test
        @DisplayName("absent metadata or key reads as -1")
        void absent() {
            assertEquals(-1, PosixMetadata.mode(null));
            assertEquals(-1, PosixMetadata.mode(Map.of()));
            assertEquals(-1, PosixMetadata.uid(Map.of("gid", "5")));
            assertEquals(5, PosixMetadata.gid(Map.of("gid", "5")));
        }

        @Test
        @DisplayName("uid and gid are decimal; garbage is -1")
        void owner() {
            Map<String, String> m = Map.of("uid", "1000", "gid", "100");
            assertEquals(1000, PosixMetadata.uid(m));
            assertEquals(100, PosixMetadata.gid(m));
            assertEquals(-1, PosixMetadata.uid(Map.of("uid", "root")));
            assertEquals(-1, PosixMetadata.gid(Map.of("gid", "")));
        }
    }

    @Nested
    @DisplayName("mtime")
    class Mtime {
        @Test
        @DisplayName("whole seconds, as s3fs writes them")
        void whole() {
            assertEquals(Instant.ofEpochSecond(1700000000), PosixMetadata.mtime(Map.of("mtime", "1700000000")));
        }

        @Test
        @DisplayName("fractions down to nanoseconds")
        void fractions() {
            assertEquals(Instant.ofEpochSecond(1700000000, 500_000_000), PosixMetadata.mtime(Map.of("mtime", "1700000000.5")));
            assertEquals(Instant.ofEpochSecond(1700000000, 123_456_789),
                    PosixMetadata.mtime(Map.of("mtime", "1700000000.123456789")));
            assertEquals(Instant.ofEpochSecond(1700000000, 1), PosixMetadata.mtime(Map.of("mtime", "1700000000.000000001")));
        }

        @Test
        @DisplayName("digits past nanoseconds are cut off, not rounded into the next second")
        void subNanos() {
            assertEquals(Instant.ofEpochSecond(1, 999_999_999), PosixMetadata.mtime(Map.of("mtime", "1.9999999999")));
        }

        @Test
        @DisplayName("before 1970")
        void negative() {
            assertEquals(Instant.ofEpochSecond(-1, -500_000_000), PosixMetadata.mtime(Map.of("mtime", "-1.5")));
            assertEquals(Instant.ofEpochSecond(-86400), PosixMetadata.mtime(Map.of("mtime", "-86400")));
        }

        @Test
        @DisplayName("whitespace is tolerated")
        void whitespace() {
            assertEquals(Instant.ofEpochSecond(42), PosixMetadata.mtime(Map.of("mtime", " 42 ")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "yesterday", "1.2.3", "NaN", "Infinity", "2023-11-14T22:13:20Z", "0x10"})
        @DisplayName("garbage reads as absent (null)")
        void garbage(String value) {
            assertNull(PosixMetadata.mtime(Map.of("mtime", value)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"1e30", "99999999999999999999", "-1e20", "31556889864403200"})
        @DisplayName("numbers outside what an Instant holds read as absent (null), never throw")
        void outOfRange(String value) {
            assertNull(PosixMetadata.mtime(Map.of("mtime", value)));
        }

        @Test
        @DisplayName("absent reads as null")
        void absent() {
            assertNull(PosixMetadata.mtime(null));
            assertNull(PosixMetadata.mtime(Map.of()));
        }
    }

    @Nested
    @DisplayName("of (writing)")
    class Writing {
        private final Instant t = Instant.ofEpochSecond(1700000000, 250_000_000);

        @Test
        @DisplayName("writes the s3fs format and keeps other user metadata")
        void format() {
            Map<String, String> m = PosixMetadata.of(Map.of("color", "red"), NodeType.FILE, 0644, 1000, 100, t);
            assertEquals(Map.of("color", "red", "mode", "33188", "uid", "1000", "gid", "100", "mtime", "1700000000.25"), m);
        }

        @Test
        @DisplayName("overwrites older POSIX values in the base, does not change the base")
        void overwrites() {
            Map<String, String> base = new HashMap<>(Map.of("mode", "33188", "uid", "1"));
            Map<String, String> m = PosixMetadata.of(base, NodeType.FILE, 0600, 2, 3, Instant.ofEpochSecond(5));
            assertEquals("33152", m.get("mode"));
            assertEquals("2", m.get("uid"));
            assertEquals("5", m.get("mtime"));
            assertEquals(Map.of("mode", "33188", "uid", "1"), base);
        }

        @Test
        @DisplayName("type bits per node type; permission bits masked to 07777 (setuid etc. kept)")
        void typeBits() {
            assertEquals(Integer.toString(040755), PosixMetadata.of(null, NodeType.DIRECTORY, 0755, 0, 0, t).get("mode"));
            assertEquals(Integer.toString(0120777), PosixMetadata.of(null, NodeType.SYMLINK, 0777, 0, 0, t).get("mode"));
            assertEquals(Integer.toString(0104755), PosixMetadata.of(null, NodeType.FILE, 04755, 0, 0, t).get("mode"));
            assertEquals(Integer.toString(0100644), PosixMetadata.of(null, NodeType.FILE, 0170644, 0, 0, t).get("mode"),
                    "type bits passed in as permissions are dropped");
        }

        @Test
        @DisplayName("formatSeconds: integers without a point, fractions without trailing zeros")
        void formatSeconds() {
            assertEquals("1700000000", PosixMetadata.formatSeconds(Instant.ofEpochSecond(1700000000)));
            assertEquals("1700000000.5", PosixMetadata.formatSeconds(Instant.ofEpochSecond(1700000000, 500_000_000)));
            assertEquals("1700000000.000000001", PosixMetadata.formatSeconds(Instant.ofEpochSecond(1700000000, 1)));
            assertEquals("0", PosixMetadata.formatSeconds(Instant.EPOCH));
            assertEquals("-1.5", PosixMetadata.formatSeconds(Instant.ofEpochSecond(-1, -500_000_000)));
        }

        @Test
        @DisplayName("what of() writes reads back the same (seeded random instants, modes, owners)")
        void roundTrip() {
            Random random = new Random(42);
            for (int i = 0; i < 2_000; i++) {
                Instant when = Instant.ofEpochSecond(random.nextInt() * 2L, random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000_000));
                NodeType type = NodeType.values()[random.nextInt(3)];
                int perms = random.nextInt(07777 + 1);
                int uid = random.nextInt(70_000);
                int gid = random.nextInt(70_000);
                Map<String, String> m = PosixMetadata.of(Map.of(), type, perms, uid, gid, when);
                assertEquals(when, PosixMetadata.mtime(m), m.toString());
                assertEquals(perms, PosixMetadata.mode(m) & 07777, m.toString());
                assertEquals(uid, PosixMetadata.uid(m));
                assertEquals(gid, PosixMetadata.gid(m));
                NodeType fallback = NodeType.FILE;
                assertEquals(type, PosixMetadata.type(m, fallback), m.toString());
                assertTrue(m.get("mode").chars().allMatch(Character::isDigit), "decimal, as s3fs writes it: " + m);
            }
        }
    }
}
