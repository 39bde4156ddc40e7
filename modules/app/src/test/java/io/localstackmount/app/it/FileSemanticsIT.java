package io.localstackmount.app.it;

import static io.localstackmount.app.it.MountFixture.run;
import static io.localstackmount.app.it.MountFixture.runAllowingFailure;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.ListPage;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.PosixMetadata;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a program sees when it uses a file on the mount through the system calls directly:
 * positional writes, open flags, truncation, two handles on one file, fsync, statfs, and the
 * attributes chmod, chown, touch and ln store in s3fs's metadata. Every check that matters is made
 * twice: through the mount and through S3 ({@link MountFixture#s3()}). Each test has its own bucket.
 * One mount with default settings serves the class.
 *
 * <pre>
 *   sem-small/f.bin      4 KiB random object put through S3, written at offsets
 *   sem-large/big.bin    20 MiB random object put through S3, written at offsets
 *   sem-stream/s.bin     20 MiB written in order through the mount (streamed), then rewritten
 *   sem-.../             one bucket per test below
 * </pre>
 *
 * Processes started while a file is open ({@code MountFixture.run}) close inherited copies of its
 * descriptor, and every close is a FUSE flush that uploads: tests that check what is not uploaded
 * yet stay inside this JVM while the file is open.
 */
@DisplayName("file semantics on a mount")
class FileSemanticsIT {
    private static final int MIB = 1024 * 1024;
    /** Longer than the mount's metadata TTL (2 s): what stat shows then comes from S3 again. */
    private static final long PAST_TTL_MILLIS = 2_500;

    private static MountFixture fx;

    @TempDir
    static Path local;

    @BeforeAll
    static void mount() {
        fx = MountFixture.start();
    }

    @AfterAll
    static void unmount() {
        if (fx != null) {
            fx.close();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** The object's bytes, read through S3 (not the mount). */
    private static byte[] s3Bytes(String bucket, String key) throws IOException {
        Path target = Files.createTempFile(local, "s3-", ".bin");
        fx.s3().download(bucket, key, target);
        byte[] bytes = Files.readAllBytes(target);
        Files.delete(target);
        return bytes;
    }

    private static Map<String, String> s3Metadata(String bucket, String key) {
        return fx.s3().head(bucket, key).orElseThrow(() -> new AssertionError("no object s3://" + bucket + "/" + key)).metadata();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ObjectInfo putLocalFile(String bucket, String key, byte[] content) throws IOException {
        Path source = Files.createTempFile(local, "put-", ".bin");
        Files.write(source, content);
        try {
            return fx.s3().upload(bucket, key, source, Map.of(), "application/octet-stream");
        } finally {
            Files.delete(source);
        }
    }

    /** Writes {@code data} at {@code offset} through {@code ch} and into {@code model}. */
    private static void writeAt(FileChannel ch, byte[] model, long offset, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
            ch.write(buf, offset + buf.position());
        }
        System.arraycopy(data, 0, model, (int) offset, data.length);
    }

    /** Every key in the bucket, by S3's delimited listing, recursively. */
    private static List<String> keys(String bucket) {
        List<String> keys = new ArrayList<>();
        List<String> prefixes = new ArrayList<>(List.of(""));
        while (!prefixes.isEmpty()) {
            ListPage page = fx.s3().listPage(bucket, prefixes.remove(0), null, 1000);
            page.objects().forEach(o -> keys.add(o.key()));
            prefixes.addAll(page.commonPrefixes());
        }
        keys.sort(null);
        return keys;
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String stat(Path dir, String format, String name) {
        return run(dir, "stat", "-c", format, name).strip();
    }

    private static void assertSameBytes(byte[] expected, byte[] actual, String what) {
        if (!Arrays.equals(expected, actual)) {
            int first = Arrays.mismatch(expected, actual);
            throw new AssertionError(what + ": " + actual.length + " bytes, expected " + expected.length
                    + "; first difference at offset " + first);
        }
    }

    // ---- writes at offsets --------------------------------------------------------------------

    @Nested
    @DisplayName("writes at offsets (FileChannel.write(buf, position))")
    class RandomWrites {
        @Test
        @DisplayName("overwrites in the middle of a small object keep the rest, in the mount and in S3")
        void smallFile() throws Exception {
            Path b = fx.bucket("sem-small");
            byte[] model = random(4096, 1);
            putLocalFile("sem-small", "f.bin", model);

            try (FileChannel ch = FileChannel.open(b.resolve("f.bin"), StandardOpenOption.WRITE)) {
                writeAt(ch, model, 100, "0123456789".getBytes(UTF_8));
                writeAt(ch, model, 2000, new byte[300]);
                writeAt(ch, model, 105, "ABCDE".getBytes(UTF_8)); // overwrites part of the first write
                writeAt(ch, model, 4090, "tail!!".getBytes(UTF_8)); // the last 6 bytes exactly
            }

            assertSameBytes(model, Files.readAllBytes(b.resolve("f.bin")), "read through the mount");
            assertSameBytes(model, s3Bytes("sem-small", "f.bin"), "object in S3");
        }

        @Test
        @DisplayName("a write past the end leaves a hole of zeros, like a sparse file on disk")
        void writePastEnd() throws Exception {
            Path b = fx.bucket("sem-hole");
            Files.writeString(b.resolve("f.txt"), "start");

            try (FileChannel ch = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap("end".getBytes(UTF_8)), 105);
            }

            byte[] expected = new byte[108];
            System.arraycopy("start".getBytes(UTF_8), 0, expected, 0, 5);
            System.arraycopy("end".getBytes(UTF_8), 0, expected, 105, 3);
            assertEquals("108", stat(b, "%s", "f.txt"));
            assertSameBytes(expected, Files.readAllBytes(b.resolve("f.txt")), "read through the mount");
            assertSameBytes(expected, s3Bytes("sem-hole", "f.txt"), "object in S3");
        }

        @Test
        @DisplayName("a new file's Content-Type is guessed from its name (x.json is application/json)")
        void contentTypeFromName() throws Exception {
            Path b = fx.bucket("sem-ctype");
            Files.writeString(b.resolve("x.json"), "{}");
            Files.writeString(b.resolve("page.html"), "<p>");
            Files.writeString(b.resolve("no-extension"), "?");

            assertEquals("application/json", fx.s3().head("sem-ctype", "x.json").orElseThrow().contentType());
            assertEquals("text/html", fx.s3().head("sem-ctype", "page.html").orElseThrow().contentType());
            assertEquals("application/octet-stream", fx.s3().head("sem-ctype", "no-extension").orElseThrow().contentType());
        }

        @Test
        @DisplayName("overwrites at offsets of a 20 MiB object (multipart sized) keep every other byte")
        void largeStoredFile() throws Exception {
            Path b = fx.bucket("sem-large");
            byte[] model = random(20 * MIB, 2);
            putLocalFile("sem-large", "big.bin", model);

            try (FileChannel ch = FileChannel.open(b.resolve("big.bin"), StandardOpenOption.WRITE)) {
                writeAt(ch, model, 0, random(4096, 3));
                writeAt(ch, model, 8 * MIB - 10, random(20, 4)); // across the first part boundary
                writeAt(ch, model, 10 * MIB + 7, random(100_000, 5));
                writeAt(ch, model, 20 * MIB - 5, random(5, 6));
                writeAt(ch, model, 10 * MIB + 50, random(10, 7)); // again inside an earlier write
            }

            assertEquals(String.valueOf(20 * MIB), stat(b, "%s", "big.bin"));
            assertSameBytes(model, s3Bytes("sem-large", "big.bin"), "object in S3");
            assertSameBytes(model, Files.readAllBytes(b.resolve("big.bin")), "read through the mount");
        }

        @Test
        @DisplayName("editing a byte of a 48 MiB object fetches one part, copies the other five server-side, stages one part")
        void editInPlaceStagesWhatItTouches() throws Exception {
            Path b = fx.bucket("sem-edit");
            byte[] model = random(48 * MIB, 13);
            putLocalFile("sem-edit", "big.bin", model);
            fx.requests().reset();

            long stagedWhileOpen;
            try (FileChannel ch = FileChannel.open(b.resolve("big.bin"), StandardOpenOption.WRITE)) {
                writeAt(ch, model, 20 * MIB + 3, "X".getBytes(UTF_8));
                stagedWhileOpen = Long.parseLong(run(fx.stagingDir(), "du", "-sk", ".").split("\\s+")[0]) * 1024;
            }

            Map<String, Long> counts = fx.requests().counts();
            assertAll(
                    () -> assertTrue(stagedWhileOpen <= 9 * MIB, "staging holds the one part touched, not 48 MiB: " + stagedWhileOpen),
                    () -> assertEquals(1, counts.getOrDefault("downloadRange", 0L), counts.toString()),
                    () -> assertEquals(1, counts.getOrDefault("uploadPart", 0L), counts.toString()),
                    () -> assertEquals(5, counts.getOrDefault("uploadPartCopy", 0L), counts.toString()),
                    () -> assertEquals(0, counts.getOrDefault("download", 0L), counts.toString()));
            assertSameBytes(model, s3Bytes("sem-edit", "big.bin"), "object in S3");
        }

        @Test
        @DisplayName("a 30 MiB object shrunk mid-part, grown again and written past its old end reads zeros in between")
        void editShrinkGrow() throws Exception {
            Path b = fx.bucket("sem-edit-shrink");
            byte[] original = random(30 * MIB, 14);
            putLocalFile("sem-edit-shrink", "big.bin", original);
            byte[] model = new byte[36 * MIB];
            System.arraycopy(original, 0, model, 0, 13 * MIB + 5);

            try (FileChannel ch = FileChannel.open(b.resolve("big.bin"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.truncate(13 * MIB + 5);
                writeAt(ch, model, 35 * MIB, random(MIB, 15));
                writeAt(ch, model, 2 * MIB, random(10, 16));
                ByteBuffer back = ByteBuffer.allocate(MIB);
                ch.read(back, 13 * MIB);
                assertSameBytes(Arrays.copyOfRange(model, 13 * MIB, 14 * MIB), back.array(), "read back before close");
            }

            assertSameBytes(model, s3Bytes("sem-edit-shrink", "big.bin"), "object in S3");
            assertSameBytes(model, Files.readAllBytes(b.resolve("big.bin")), "read through the mount");
        }

        @Test
        @DisplayName("an edit of a large object another client replaced meanwhile fails close with EIO and keeps their version")
        void editConflict() throws Exception {
            Path b = fx.bucket("sem-edit-conflict");
            putLocalFile("sem-edit-conflict", "big.bin", random(24 * MIB, 17));
            byte[] theirs = random(24 * MIB, 18);

            FileChannel ch = FileChannel.open(b.resolve("big.bin"), StandardOpenOption.WRITE);
            ch.write(ByteBuffer.wrap("mine".getBytes(UTF_8)), 0);
            putLocalFile("sem-edit-conflict", "big.bin", theirs);
            IOException failure = assertThrows(IOException.class, ch::close);

            assertTrue(failure.getMessage().contains("Input/output error"), failure.getMessage());
            assertSameBytes(theirs, s3Bytes("sem-edit-conflict", "big.bin"), "the other client's object");
        }

        @Test
        @DisplayName("a 20 MiB file written in order, then rewritten at offsets already uploaded, is stored as last written")
        void largeStreamedFileRewritten() throws Exception {
            // Sequential writes past 8 MiB start a streamed multipart upload; the later writes at
            // earlier offsets must not leave the parts already uploaded in the object.
            Path b = fx.bucket("sem-stream");
            byte[] model = random(20 * MIB, 8);
            try (FileChannel ch = FileChannel.open(b.resolve("s.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int off = 0; off < model.length; off += MIB) {
                    ch.write(ByteBuffer.wrap(model, off, MIB));
                }
                writeAt(ch, model, 3 * MIB, random(1000, 9));
                writeAt(ch, model, 17 * MIB + 1, random(1000, 10));
            }

            assertSameBytes(model, s3Bytes("sem-stream", "s.bin"), "object in S3");
            assertSameBytes(model, Files.readAllBytes(b.resolve("s.bin")), "read through the mount");
        }

        @Test
        @DisplayName("a 20 MiB file written in order is byte-exact in S3 and keeps the mode it was created with")
        void largeStreamedFile() throws Exception {
            Path b = fx.bucket("sem-stream2");
            byte[] model = random(20 * MIB, 11);
            try (FileChannel ch = FileChannel.open(b.resolve("s.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int off = 0; off < model.length; off += MIB) {
                    ch.write(ByteBuffer.wrap(model, off, MIB));
                }
            }

            assertSameBytes(model, s3Bytes("sem-stream2", "s.bin"), "object in S3");
            assertEquals(PosixMetadata.S_IFREG | 0644, PosixMetadata.mode(s3Metadata("sem-stream2", "s.bin")));
        }
    }

    // ---- open flags ---------------------------------------------------------------------------

    @Nested
    @DisplayName("open flags")
    class OpenFlagsTests {
        @Test
        @DisplayName("O_TRUNC: writing shorter content replaces the old content entirely")
        void truncOnOpen() throws Exception {
            Path b = fx.bucket("sem-otrunc");
            Files.writeString(b.resolve("f.txt"), "a long first version of the file");

            Files.writeString(b.resolve("f.txt"), "short"); // CREATE, TRUNCATE_EXISTING, WRITE

            assertEquals("short", Files.readString(b.resolve("f.txt")));
            assertEquals("short", new String(s3Bytes("sem-otrunc", "f.txt"), UTF_8));
        }

        @Test
        @DisplayName("O_TRUNC with nothing written leaves an empty object")
        void truncOnOpenNoWrite() throws Exception {
            Path b = fx.bucket("sem-otrunc0");
            Files.writeString(b.resolve("f.txt"), "content");

            FileChannel.open(b.resolve("f.txt"), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING).close();

            assertEquals(0, Files.size(b.resolve("f.txt")));
            assertEquals(0, fx.s3().head("sem-otrunc0", "f.txt").orElseThrow().size());
        }

        @Test
        @DisplayName("O_APPEND: each write goes to the end, even through a positioned channel")
        void append() throws Exception {
            Path b = fx.bucket("sem-append");
            Files.writeString(b.resolve("log.txt"), "one\n");

            Files.writeString(b.resolve("log.txt"), "two\n", StandardOpenOption.APPEND);
            try (FileChannel ch = FileChannel.open(b.resolve("log.txt"), StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap("three\n".getBytes(UTF_8)));
                ch.write(ByteBuffer.wrap("four\n".getBytes(UTF_8)));
            }
            run(b, "sh", "-c", "echo five >> log.txt");

            assertEquals("one\ntwo\nthree\nfour\nfive\n", Files.readString(b.resolve("log.txt")));
            assertEquals("one\ntwo\nthree\nfour\nfive\n", new String(s3Bytes("sem-append", "log.txt"), UTF_8));
        }

        @Test
        @DisplayName("O_APPEND onto a file an earlier handle is still writing appends after its data")
        void appendWhileAnotherHandleWrites() throws Exception {
            Path b = fx.bucket("sem-append2");
            try (FileChannel first = FileChannel.open(b.resolve("log.txt"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                first.write(ByteBuffer.wrap("first\n".getBytes(UTF_8)));
                try (FileChannel second = FileChannel.open(b.resolve("log.txt"), StandardOpenOption.APPEND)) {
                    second.write(ByteBuffer.wrap("second\n".getBytes(UTF_8)));
                }
            }
            assertEquals("first\nsecond\n", Files.readString(b.resolve("log.txt")));
        }

        @Test
        @DisplayName("two shells each appending 200 lines with >> to one file: all 400 lines land, each whole")
        void twoAppendingShells() throws Exception {
            Path b = fx.bucket("sem-append3");
            String loop = "for i in $(seq 1 200); do echo \"$0 line $i\" >> app.log; done";
            Process first = new ProcessBuilder("sh", "-c", loop, "A").directory(b.toFile()).start();
            Process second = new ProcessBuilder("sh", "-c", loop, "B").directory(b.toFile()).start();
            assertEquals(0, first.waitFor());
            assertEquals(0, second.waitFor());
            List<String> lines = new String(s3Bytes("sem-append3", "app.log"), UTF_8).lines().toList();
            assertEquals(400, lines.size(), "lines in S3");
            assertEquals(400, new java.util.HashSet<>(lines).size(), "each line once, none torn");
            assertTrue(lines.stream().allMatch(l -> l.matches("[AB] line \\d+")), "whole lines only");
        }
    }

    // ---- truncate -----------------------------------------------------------------------------

    @Nested
    @DisplayName("truncate and ftruncate")
    class Truncate {
        @Test
        @DisplayName("ftruncate shrinks (FileChannel.truncate)")
        void shrink() throws Exception {
            Path b = fx.bucket("sem-shrink");
            Files.writeString(b.resolve("f.txt"), "0123456789");

            try (FileChannel ch = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.WRITE)) {
                ch.truncate(4);
                assertEquals(4, ch.size());
            }

            assertEquals("0123", Files.readString(b.resolve("f.txt")));
            assertEquals("0123", new String(s3Bytes("sem-shrink", "f.txt"), UTF_8));
        }

        @Test
        @DisplayName("ftruncate extends with zeros (RandomAccessFile.setLength)")
        void extend() throws Exception {
            Path b = fx.bucket("sem-extend");
            Files.writeString(b.resolve("f.txt"), "abc");

            try (RandomAccessFile raf = new RandomAccessFile(b.resolve("f.txt").toFile(), "rw")) {
                raf.setLength(10);
            }

            byte[] expected = {'a', 'b', 'c', 0, 0, 0, 0, 0, 0, 0};
            assertArrayEquals(expected, Files.readAllBytes(b.resolve("f.txt")));
            assertArrayEquals(expected, s3Bytes("sem-extend", "f.txt"));
        }

        @Test
        @DisplayName("ftruncate to 0, then writing, stores only the new content")
        void toZeroThenWrite() throws Exception {
            Path b = fx.bucket("sem-zero");
            Files.writeString(b.resolve("f.txt"), "old content");

            try (FileChannel ch = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.WRITE)) {
                ch.truncate(0);
                ch.write(ByteBuffer.wrap("new".getBytes(UTF_8)), 0);
            }

            assertEquals("new", new String(s3Bytes("sem-zero", "f.txt"), UTF_8));
        }

        @Test
        @DisplayName("truncate -s: to 0, extend to 1M with zeros, shrink to 2 bytes")
        void truncateCommand() throws Exception {
            Path b = fx.bucket("sem-truncate-s");
            Files.writeString(b.resolve("f.txt"), "hello world");

            run(b, "truncate", "-s", "0", "f.txt");
            assertEquals(0, fx.s3().head("sem-truncate-s", "f.txt").orElseThrow().size());
            assertEquals("0", stat(b, "%s", "f.txt"));

            Files.writeString(b.resolve("f.txt"), "hi");
            run(b, "truncate", "-s", "1M", "f.txt");
            byte[] expected = new byte[MIB];
            expected[0] = 'h';
            expected[1] = 'i';
            assertSameBytes(expected, s3Bytes("sem-truncate-s", "f.txt"), "extended object in S3");
            assertEquals(String.valueOf(MIB), stat(b, "%s", "f.txt"));

            run(b, "truncate", "-s", "2", "f.txt");
            assertEquals("hi", new String(s3Bytes("sem-truncate-s", "f.txt"), UTF_8));
            assertEquals("hi", Files.readString(b.resolve("f.txt")));
        }

        @Test
        @DisplayName("truncate(2) by path, with no descriptor open (perl truncate)")
        void truncateByPath() throws Exception {
            Path b = fx.bucket("sem-truncate-path");
            Files.writeString(b.resolve("f.txt"), "0123456789");

            run(b, "perl", "-e", "truncate('f.txt', 3) or die \"truncate: $!\"");

            assertEquals("012", new String(s3Bytes("sem-truncate-path", "f.txt"), UTF_8));
            assertEquals("012", Files.readString(b.resolve("f.txt")));
        }

        @Test
        @DisplayName("ftruncate of a 20 MiB object to 10 MiB + 1 keeps the first bytes exactly")
        void shrinkLarge() throws Exception {
            Path b = fx.bucket("sem-shrink-large");
            byte[] model = random(20 * MIB, 12);
            putLocalFile("sem-shrink-large", "big.bin", model);

            try (FileChannel ch = FileChannel.open(b.resolve("big.bin"), StandardOpenOption.WRITE)) {
                ch.truncate(10 * MIB + 1);
            }

            assertSameBytes(Arrays.copyOf(model, 10 * MIB + 1), s3Bytes("sem-shrink-large", "big.bin"), "object in S3");
        }
    }

    // ---- handles, fsync ---------------------------------------------------------------------

    @Nested
    @DisplayName("open handles and fsync")
    class Handles {
        @Test
        @DisplayName("a new file being written: a second handle reads what the first has written")
        void readWhileWritingNewFile() throws Exception {
            Path b = fx.bucket("sem-rw-new");
            try (FileChannel writer = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writer.write(ByteBuffer.wrap("written, not closed".getBytes(UTF_8)));

                assertEquals("written, not closed", Files.readString(b.resolve("f.txt")));
            }
        }

        @Test
        @DisplayName("a stored file being overwritten: a second handle reads the new bytes, not the stored ones")
        void readWhileWritingStoredFile() throws Exception {
            Path b = fx.bucket("sem-rw-stored");
            Files.writeString(b.resolve("f.txt"), "old old old");
            try (FileChannel writer = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.WRITE)) {
                writer.write(ByteBuffer.wrap("NEW".getBytes(UTF_8)), 0);

                assertEquals("NEW old old", Files.readString(b.resolve("f.txt")));
            }
            assertEquals("NEW old old", Files.readString(b.resolve("f.txt")));
        }

        @Test
        @DisplayName("one read-write handle reads back its own writes")
        void readOwnWrites() throws Exception {
            Path b = fx.bucket("sem-rw-own");
            Files.writeString(b.resolve("f.txt"), "abcdefgh");
            try (FileChannel ch = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap("XY".getBytes(UTF_8)), 3);
                ByteBuffer buf = ByteBuffer.allocate(8);
                ch.read(buf, 0);
                assertEquals("abcXYfgh", new String(buf.array(), UTF_8));
            }
        }

        @Test
        @DisplayName("fsync (FileChannel.force) uploads: the object is in S3 before close")
        void fsyncUploads() throws Exception {
            Path b = fx.bucket("sem-fsync");
            try (FileChannel ch = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap("synced".getBytes(UTF_8)));
                ch.force(true);

                assertEquals("synced", new String(s3Bytes("sem-fsync", "f.txt"), UTF_8));

                ch.write(ByteBuffer.wrap(" twice".getBytes(UTF_8)));
                ch.force(false); // fdatasync
                assertEquals("synced twice", new String(s3Bytes("sem-fsync", "f.txt"), UTF_8));
            }
            assertEquals("synced twice", new String(s3Bytes("sem-fsync", "f.txt"), UTF_8));
        }

        @Test
        @DisplayName("stat of a file being written shows its local size before anything is uploaded")
        void statWhileWriting() throws Exception {
            Path b = fx.bucket("sem-stat-open");
            try (FileChannel ch = FileChannel.open(b.resolve("f.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[12_345]));
                // stat(2) from this JVM: a child process would close inherited copies of the
                // descriptor, and every close is a FUSE flush, which uploads.
                assertEquals(12_345, Files.size(b.resolve("f.bin")));
                assertTrue(fx.s3().head("sem-stat-open", "f.bin").isEmpty(), "nothing is uploaded before close or fsync");
            }
            assertEquals(12_345, fx.s3().head("sem-stat-open", "f.bin").orElseThrow().size());
        }

        @Test
        @DisplayName("rm of a file open for reading: the reader goes on reading what it opened; the object is gone at once")
        void unlinkWhileReading() throws Exception {
            Path b = fx.bucket("sem-unlink-read");
            Files.writeString(b.resolve("f.txt"), "kept for the reader");
            try (FileChannel ch = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.READ)) {
                Files.delete(b.resolve("f.txt"));
                assertEquals(List.of(), keys("sem-unlink-read"), "the object is removed at rm, not at close");
                ByteBuffer back = ByteBuffer.allocate(19);
                ch.read(back, 0);
                assertEquals("kept for the reader", new String(back.array(), UTF_8));
            }
            Files.writeString(b.resolve("f.txt"), "a new file under the old name");
            assertEquals("a new file under the old name", new String(s3Bytes("sem-unlink-read", "f.txt"), UTF_8));
        }

        @Test
        @DisplayName("two writers on one file share its unsaved content: the first close stores both writes")
        void twoWritersShareContent() throws Exception {
            Path b = fx.bucket("sem-two-writers");
            Files.writeString(b.resolve("f.txt"), "..........");
            try (FileChannel one = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.WRITE);
                    FileChannel two = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.WRITE)) {
                one.write(ByteBuffer.wrap("AB".getBytes(UTF_8)), 0);
                two.write(ByteBuffer.wrap("YZ".getBytes(UTF_8)), 8);
            }
            assertEquals("AB......YZ", new String(s3Bytes("sem-two-writers", "f.txt"), UTF_8));
        }

        @Test
        @DisplayName("rm of an open file: the descriptor keeps working, and closing it does not bring the file back")
        void unlinkWhileOpen() throws Exception {
            Path b = fx.bucket("sem-unlink-open");
            Files.writeString(b.resolve("f.txt"), "stored");
            try (FileChannel ch = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                Files.delete(b.resolve("f.txt"));
                assertFalse(Files.exists(b.resolve("f.txt")));
                ch.write(ByteBuffer.wrap("written after rm".getBytes(UTF_8)), 0);
                ch.force(true);
                ByteBuffer back = ByteBuffer.allocate(16);
                ch.read(back, 0);
                assertEquals("written after rm", new String(back.array(), UTF_8));
                assertEquals(16, ch.size(), "fstat answers from the descriptor");

                List<String> namesWhileOpen = names(b);
                List<String> keysWhileOpen = keys("sem-unlink-open");
                assertAll(
                        () -> assertEquals(List.of(), namesWhileOpen, "the folder looks empty while the file is open"),
                        () -> assertEquals(List.of(), keysWhileOpen, "nothing is stored under any name while the file is open"));
            }
            // The kernel releases the handle asynchronously after close(): allow it a moment.
            for (int i = 0; i < 20 && !keys("sem-unlink-open").isEmpty(); i++) {
                Thread.sleep(100);
            }
            assertEquals(List.of(), keys("sem-unlink-open"));
            assertEquals(List.of(), names(b));
        }

        @Test
        @DisplayName("an fsync with nothing changed uploads nothing")
        void fsyncClean() throws Exception {
            Path b = fx.bucket("sem-fsync-clean");
            Files.writeString(b.resolve("f.txt"), "stored");
            long uploads = fx.requests().count("put") + fx.requests().count("upload");
            try (FileChannel ch = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            assertEquals(uploads, fx.requests().count("put") + fx.requests().count("upload"));
        }
    }

    // ---- statfs -------------------------------------------------------------------------------

    @Nested
    @DisplayName("statfs")
    class Statfs {
        @Test
        @DisplayName("df -h of the mount and of a bucket succeeds with a non-zero size")
        void df() {
            Path b = fx.bucket("sem-df");
            for (Path p : new Path[] {fx.root(), b}) {
                String out = run(p, "df", "-h", p.toString());
                String[] lines = out.strip().split("\n");
                assertEquals(2, lines.length, out);
                String[] cols = lines[1].trim().split("\\s+");
                assertEquals("localstackmount", cols[0], out);
                assertNotEquals("0", cols[1], out);
                assertTrue(cols[1].matches("[0-9.]+[KMGTPE]?"), out);
            }
            String blocks = run(fx.root(), "stat", "-f", "-c", "%b %a %S %l", fx.root().toString()).strip();
            String[] v = blocks.split(" ");
            assertTrue(Long.parseLong(v[0]) > 0 && Long.parseLong(v[1]) > 0 && Long.parseLong(v[2]) > 0, blocks);
            assertEquals("255", v[3], "name max");
        }
    }

    // ---- attributes ---------------------------------------------------------------------------

    @Nested
    @DisplayName("chmod, chown, touch")
    class Attributes {
        @Test
        @DisplayName("chmod 755 and 600 are stored in x-amz-meta-mode and shown by stat, also after the cache TTL")
        void chmod() throws Exception {
            Path b = fx.bucket("sem-chmod");
            Files.writeString(b.resolve("f.sh"), "echo hi\n");

            run(b, "chmod", "755", "f.sh");
            assertEquals("33261", s3Metadata("sem-chmod", "f.sh").get("mode")); // 0100755
            assertEquals("755", stat(b, "%a", "f.sh"));
            assertEquals("hi\n", run(b, "./f.sh"));

            run(b, "chmod", "600", "f.sh");
            assertEquals("33152", s3Metadata("sem-chmod", "f.sh").get("mode")); // 0100600
            assertEquals("600", stat(b, "%a", "f.sh"));
            assertEquals("echo hi\n", new String(s3Bytes("sem-chmod", "f.sh"), UTF_8), "content kept by the metadata copy");

            Thread.sleep(PAST_TTL_MILLIS);
            assertEquals("600", stat(b, "%a", "f.sh"));
            assertTrue(run(b, "ls", "-l", "f.sh").startsWith("-rw------- "));
        }

        @Test
        @DisplayName("chmod, chown and touch -d of a stored object keep its body, Content-Type and other user metadata")
        void attributeChangeKeepsObject() throws Exception {
            Path b = fx.bucket("sem-chmod-keep");
            fx.s3().put("sem-chmod-keep", "data.csv", "a,b\n1,2\n".getBytes(UTF_8), Map.of("color", "blue"), "text/x-custom");

            run(b, "chmod", "640", "data.csv");
            run(b, "chown", "7:8", "data.csv");
            run(b, "touch", "-d", "@1600000000", "data.csv");

            ObjectInfo head = fx.s3().head("sem-chmod-keep", "data.csv").orElseThrow();
            assertEquals("text/x-custom", head.contentType());
            assertEquals("blue", head.metadata().get("color"));
            assertEquals(String.valueOf(PosixMetadata.S_IFREG | 0640), head.metadata().get("mode"));
            assertEquals("7 8 1600000000", head.metadata().get("uid") + " " + head.metadata().get("gid") + " " + head.metadata().get("mtime"));
            assertEquals("a,b\n1,2\n", new String(s3Bytes("sem-chmod-keep", "data.csv"), UTF_8));
        }

        @Test
        @DisplayName("chmod of a file still open for writing is stored with its upload")
        void chmodWhileOpen() throws Exception {
            Path b = fx.bucket("sem-chmod-open");
            try (FileChannel ch = FileChannel.open(b.resolve("f.txt"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap("data".getBytes(UTF_8)));
                Files.setPosixFilePermissions(b.resolve("f.txt"), PosixFilePermissions.fromString("rw-r-----"));
                assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(b.resolve("f.txt"))));
                assertTrue(fx.s3().head("sem-chmod-open", "f.txt").isEmpty(), "not uploaded before close");
            }
            assertEquals(PosixMetadata.S_IFREG | 0640, PosixMetadata.mode(s3Metadata("sem-chmod-open", "f.txt")));
            Thread.sleep(PAST_TTL_MILLIS);
            assertEquals("640", stat(b, "%a", "f.txt"));
        }

        @Test
        @DisplayName("chmod of a large file while its streamed upload runs is stored when it completes")
        void chmodWhileStreaming() throws Exception {
            Path b = fx.bucket("sem-chmod-stream");
            byte[] data = random(10 * MIB, 13);
            try (FileChannel ch = FileChannel.open(b.resolve("f.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int off = 0; off < data.length; off += MIB) {
                    ch.write(ByteBuffer.wrap(data, off, MIB));
                }
                Files.setPosixFilePermissions(b.resolve("f.bin"), PosixFilePermissions.fromString("rwx------"));
            }
            assertEquals(PosixMetadata.S_IFREG | 0700, PosixMetadata.mode(s3Metadata("sem-chmod-stream", "f.bin")));
            assertSameBytes(data, s3Bytes("sem-chmod-stream", "f.bin"), "object in S3");
            Thread.sleep(PAST_TTL_MILLIS);
            assertEquals("700", stat(b, "%a", "f.bin"));
        }

        @Test
        @DisplayName("chown (as root) stores uid and gid, shown by stat also after the cache TTL")
        void chown() throws Exception {
            Path b = fx.bucket("sem-chown");
            Files.writeString(b.resolve("f.txt"), "owned");

            run(b, "chown", "1234:5678", "f.txt");

            Map<String, String> meta = s3Metadata("sem-chown", "f.txt");
            assertEquals("1234", meta.get("uid"));
            assertEquals("5678", meta.get("gid"));
            assertEquals("1234 5678", stat(b, "%u %g", "f.txt"));
            Thread.sleep(PAST_TTL_MILLIS);
            assertEquals("1234 5678", stat(b, "%u %g", "f.txt"));

            run(b, "chgrp", "42", "f.txt");
            assertEquals("1234 42", stat(b, "%u %g", "f.txt"));
            assertEquals("42", s3Metadata("sem-chown", "f.txt").get("gid"));
        }

        @Test
        @DisplayName("touch -d '2020-01-02 03:04:05' stores the mtime, shown by stat %Y also after the cache TTL")
        void touchDate() throws Exception {
            Path b = fx.bucket("sem-touch");
            Files.writeString(b.resolve("f.txt"), "timed");
            String epoch = run(b, "date", "-d", "2020-01-02 03:04:05", "+%s").strip();

            run(b, "touch", "-d", "2020-01-02 03:04:05", "f.txt");

            assertEquals(epoch, stat(b, "%Y", "f.txt"));
            assertEquals(epoch, s3Metadata("sem-touch", "f.txt").get("mtime"));
            Thread.sleep(PAST_TTL_MILLIS);
            assertEquals(epoch, stat(b, "%Y", "f.txt"));
            assertEquals("timed", Files.readString(b.resolve("f.txt")));
        }

        @Test
        @DisplayName("touch of an existing file sets its mtime to now")
        void touchNow() throws Exception {
            Path b = fx.bucket("sem-touch-now");
            Files.writeString(b.resolve("f.txt"), "x");
            run(b, "touch", "-d", "2001-01-01", "f.txt");
            long before = System.currentTimeMillis() / 1000;

            run(b, "touch", "f.txt");

            long mtime = Long.parseLong(stat(b, "%Y", "f.txt"));
            assertTrue(mtime >= before - 1 && mtime <= before + 5, "mtime " + mtime + " vs now " + before);
        }

        @Test
        @DisplayName("touch -m -d (mtime only, atime left alone: what tar and futimens callers send) stores the mtime")
        void touchMtimeOnly() throws Exception {
            Path b = fx.bucket("sem-touch-m");
            Files.writeString(b.resolve("f.txt"), "x");

            run(b, "touch", "-m", "-d", "@1600000000", "f.txt");

            assertEquals("1600000000", stat(b, "%Y", "f.txt"));
            assertEquals("1600000000", s3Metadata("sem-touch-m", "f.txt").get("mtime"));
        }

        @Test
        @DisplayName("chmod and touch -d of a folder are stored in its marker and shown by stat, also after the cache TTL")
        void folderAttributesAfterTtl() throws Exception {
            // dir/ (marker, mkdir)   implicit/f.txt (no marker until chmod)
            Path b = fx.bucket("sem-touch-dir");
            fx.s3().put("sem-touch-dir", "implicit/f.txt", "f".getBytes(UTF_8), Map.of(), "text/plain");
            Files.createDirectory(b.resolve("dir"));

            run(b, "chmod", "700", "dir", "implicit");
            run(b, "touch", "-d", "@1600000000", "dir", "implicit");

            assertEquals("1600000000", s3Metadata("sem-touch-dir", "dir/").get("mtime"));
            assertEquals("1600000000", s3Metadata("sem-touch-dir", "implicit/").get("mtime"));
            assertEquals("700 1600000000\n700 1600000000\n", run(b, "stat", "-c", "%a %Y", "dir", "implicit"));
            Thread.sleep(PAST_TTL_MILLIS);
            assertEquals("700 1600000000\n700 1600000000\n", run(b, "stat", "-c", "%a %Y", "dir", "implicit"));
        }

        @Test
        @DisplayName("chmod of a marker folder, of an implicit folder, of a bucket and of the root never fails; folders store the mode in their marker")
        void chmodFolders() throws Exception {
            // Put through S3 before the mount lists the bucket: a listing is trusted for the TTL.
            Path b = fx.bucket("sem-chmod-dir");
            fx.s3().put("sem-chmod-dir", "implicit/f.txt", "f".getBytes(UTF_8), Map.of(), "text/plain"); // no marker
            Files.createDirectory(b.resolve("made"));                        // marker made/

            run(b, "chmod", "700", "made", "implicit");
            run(fx.root(), "chmod", "700", "sem-chmod-dir");
            run(fx.root(), "chmod", "-R", "u+rwX", "sem-chmod-dir");
            run(fx.root(), "chmod", "755", ".");
            run(fx.root(), "touch", "-d", "@1600000000", "sem-chmod-dir", ".");

            assertEquals("700 700", run(b, "stat", "-c", "%a", "made", "implicit").strip().replace('\n', ' '));
            assertEquals(PosixMetadata.S_IFDIR | 0700, PosixMetadata.mode(s3Metadata("sem-chmod-dir", "made/")));
            assertEquals(PosixMetadata.S_IFDIR | 0700, PosixMetadata.mode(s3Metadata("sem-chmod-dir", "implicit/")));
            assertEquals("f", Files.readString(b.resolve("implicit/f.txt")));
        }
    }

    // ---- links --------------------------------------------------------------------------------

    @Nested
    @DisplayName("links")
    class Links {
        @Test
        @DisplayName("ln -s stores an object with S_IFLNK in its mode and the target as its body; readlink and ls -l show it")
        void symlink() throws Exception {
            Path b = fx.bucket("sem-symlink");
            Files.writeString(b.resolve("target.txt"), "pointed at");

            run(b, "ln", "-s", "target.txt", "link");

            ObjectInfo link = fx.s3().head("sem-symlink", "link").orElseThrow();
            assertEquals(PosixMetadata.S_IFLNK, PosixMetadata.mode(link.metadata()) & PosixMetadata.S_IFMT, "mode " + link.metadata());
            assertEquals("target.txt", new String(s3Bytes("sem-symlink", "link"), UTF_8));
            assertEquals("target.txt\n", run(b, "readlink", "link"));
            String ls = run(b, "ls", "-l", "link").strip();
            assertTrue(ls.startsWith("l") && ls.endsWith("link -> target.txt"), ls);
            assertEquals("pointed at", Files.readString(b.resolve("link")));
            Thread.sleep(PAST_TTL_MILLIS);
            assertEquals("target.txt\n", run(b, "readlink", "link"));
            assertEquals("symbolic link", stat(b, "%F", "link"));
        }

        @Test
        @DisplayName("a symlink to a folder and a dangling symlink behave as on disk")
        void symlinkToFolderAndDangling() throws Exception {
            Path b = fx.bucket("sem-symlink2");
            Files.createDirectories(b.resolve("dir/sub"));
            Files.writeString(b.resolve("dir/sub/f.txt"), "deep");

            run(b, "ln", "-s", "dir/sub", "shortcut");
            run(b, "ln", "-s", "no/such/file", "dangling");

            assertEquals("deep", Files.readString(b.resolve("shortcut/f.txt")));
            assertEquals("f.txt\n", run(b, "ls", "shortcut/"));
            assertEquals("no/such/file\n", run(b, "readlink", "dangling"));
            assertTrue(runAllowingFailure(b, "cat", "dangling").output().contains("No such file or directory"));
            run(b, "rm", "dangling");
            assertTrue(fx.s3().head("sem-symlink2", "dangling").isEmpty());
        }

        @Test
        @DisplayName("a hard link fails with Operation not permitted and creates nothing")
        void hardLink() throws Exception {
            Path b = fx.bucket("sem-hardlink");
            Files.writeString(b.resolve("a"), "a");

            MountFixture.Result ln = runAllowingFailure(b, "ln", "a", "b");

            assertNotEquals(0, ln.exitCode());
            assertTrue(ln.output().contains("Operation not permitted"), ln.output());
            assertThrows(FileSystemException.class, () -> Files.createLink(b.resolve("c"), b.resolve("a")));
            assertTrue(fx.s3().head("sem-hardlink", "b").isEmpty());
            assertEquals("a\n", run(b, "ls"));
        }
    }

    // ---- deliberately unsupported ------------------------------------------------------------

    @Nested
    @DisplayName("deliberately unsupported (one errno each)")
    class Unsupported {
        @Test
        @DisplayName("mkfifo and mknod fail with Operation not permitted and store nothing")
        void specialFiles() {
            Path b = fx.bucket("sem-mknod");
            MountFixture.Result fifo = runAllowingFailure(b, "mkfifo", "pipe");
            assertNotEquals(0, fifo.exitCode());
            assertTrue(fifo.output().contains("Operation not permitted"), fifo.output());
            assertTrue(fx.s3().head("sem-mknod", "pipe").isEmpty());
        }

        @Test
        @DisplayName("a file at the mount root fails with Operation not permitted")
        void fileAtRoot() {
            MountFixture.Result touch = runAllowingFailure(fx.root(), "touch", "not-a-bucket.txt");
            assertNotEquals(0, touch.exitCode());
            assertTrue(touch.output().contains("Operation not permitted"), touch.output());
        }

        @Test
        @DisplayName("statfs reports 1 PiB in all, nothing used, and the staging disk's free space as available")
        void onePebibyte() throws IOException {
            String line = run(fx.root(), "df", "-B1", "--output=size,used,avail", fx.root().toString()).strip().split("\n")[1].trim();
            String[] cols = line.split("\\s+");
            assertEquals(List.of(String.valueOf(1L << 50), "0"), List.of(cols[0], cols[1]), line);
            long staging = Files.getFileStore(fx.stagingDir()).getUsableSpace();
            assertTrue(Math.abs(Long.parseLong(cols[2]) - staging) < (64L << 20), line + " vs " + staging);
        }
    }

    // ---- s3fs interop -------------------------------------------------------------------------

    @Nested
    @DisplayName("objects written by s3fs, default settings")
    class S3fsInterop {
        @Test
        @DisplayName("a write through the mount keeps the s3fs attributes and other user metadata of the object")
        void writeKeepsMetadata() throws Exception {
            Path b = fx.bucket("sem-s3fs-keep");
            fx.s3().put("sem-s3fs-keep", "f.txt", "v1".getBytes(UTF_8),
                    Map.of("mode", "33184", "uid", "1001", "gid", "1002", "mtime", "1577934245", "color", "blue"), "text/plain");

            Files.writeString(b.resolve("f.txt"), "v2");

            Map<String, String> meta = s3Metadata("sem-s3fs-keep", "f.txt");
            assertEquals("blue", meta.get("color"));
            assertEquals("text/plain", fx.s3().head("sem-s3fs-keep", "f.txt").orElseThrow().contentType());
            assertNotEquals("1577934245", meta.get("mtime"), "a write sets a new mtime");
            assertEquals("33184 1001 1002", meta.get("mode") + " " + meta.get("uid") + " " + meta.get("gid"),
                    "mode, uid and gid stored by s3fs");
        }

        @Test
        @DisplayName("mode 33261 (0100755), uid, gid and mtime in metadata show in stat; the file runs")
        void s3fsAttributes() {
            Path b = fx.bucket("sem-s3fs");
            fx.s3().put("sem-s3fs", "tool.sh", "#!/bin/sh\necho from s3fs\n".getBytes(UTF_8),
                    Map.of("mode", "33261", "uid", "1001", "gid", "1002", "mtime", "1577934245"), "text/x-sh");

            assertEquals("regular file 755 1001 1002 1577934245", stat(b, "%F %a %u %g %Y", "tool.sh"));
            assertTrue(run(b, "ls", "-ln", "tool.sh").startsWith("-rwxr-xr-x 1 1001 1002 "));
            assertEquals("from s3fs\n", run(b, "./tool.sh"));
        }

        @Test
        @DisplayName("an s3fs symlink (mode 0120777, body = target) is a symlink")
        void s3fsSymlink() {
            Path b = fx.bucket("sem-s3fs-link");
            fx.s3().put("sem-s3fs-link", "real.txt", "real".getBytes(UTF_8), Map.of(), "text/plain");
            fx.s3().put("sem-s3fs-link", "ln", "real.txt".getBytes(UTF_8), Map.of("mode", String.valueOf(0120777)), "application/octet-stream");

            assertEquals("symbolic link", stat(b, "%F", "ln"));
            assertEquals("real.txt\n", run(b, "readlink", "ln"));
            assertEquals("real", run(b, "cat", "ln"));
        }

        @Test
        @DisplayName("a write through the mount keeps the s3fs mode, uid and gid")
        void writeKeepsAttributes() throws Exception {
            Path b = fx.bucket("sem-s3fs-keep2");
            fx.s3().put("sem-s3fs-keep2", "f.txt", "v1".getBytes(UTF_8),
                    Map.of("mode", "33184", "uid", "1001", "gid", "1002", "mtime", "1577934245"), "text/plain");

            Files.writeString(b.resolve("f.txt"), "v2");

            Map<String, String> meta = fx.s3().head("sem-s3fs-keep2", "f.txt").orElseThrow().metadata();
            assertEquals("33184 1001 1002", meta.get("mode") + " " + meta.get("uid") + " " + meta.get("gid"));
        }
    }
}
