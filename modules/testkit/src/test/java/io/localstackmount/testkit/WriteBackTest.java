package io.localstackmount.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.PosixMetadata;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the upload of a written file keeps of what S3 holds, and what the mount shows after it. The
 * store plays another client too: its objects carry metadata the mount never wrote.
 *
 * <pre>
 * b
 * └── data.json   "{}", Content-Type application/vnd.custom+json,
 *                 x-amz-meta-color=red, s3fs mode 0100600 and owner 7:8
 * </pre>
 */
@DisplayName("write-back")
class WriteBackTest {
    static final OpenFlags WRITE = new OpenFlags(false, true, false, false, false);
    static final Instant T = Instant.parse("2023-06-01T12:00:00Z");

    @TempDir
    Path dir;
    TestMount m;

    @BeforeEach
    void mount() {
        m = TestMount.builder(dir).buckets("b").start();
        m.s3().put("b", "data.json", "{}".getBytes(UTF_8),
                PosixMetadata.of(Map.of("color", "red"), NodeType.FILE, 0600, 7, 8, T), "application/vnd.custom+json");
    }

    @AfterEach
    void unmount() {
        m.close();
    }

    static FsPath p(String path) {
        return FsPath.parse(path);
    }

    FakeObjectStore.StoredObject object(String key) {
        return m.s3().object("b", key).orElseThrow(() -> new AssertionError("no object b/" + key));
    }

    long createWith(String path, String text) {
        long h = m.fs().create(p(path), 0644, WRITE);
        byte[] data = text.getBytes(UTF_8);
        m.fs().write(p(path), h, data, 0, data.length);
        return h;
    }

    void close(String path, long h) {
        m.fs().flush(p(path), h);
        m.fs().release(p(path), h);
    }

    @Nested
    @DisplayName("an overwritten object")
    class Overwrite {
        @Test
        @DisplayName("keeps its user metadata and Content-Type: one HEAD to learn them, one PUT")
        void keepsMetadata() {
            m.stat("/b/data.json");
            m.requests().reset();

            m.write("/b/data.json", "{\"a\":1}");

            FakeObjectStore.StoredObject after = object("data.json");
            assertEquals("{\"a\":1}", after.text());
            assertEquals("red", after.metadata().get("color"));
            assertEquals("application/vnd.custom+json", after.contentType());
            assertEquals(Map.of("head", 1L, "upload", 1L), m.requests().counts());
        }

        @Test
        @DisplayName("keeps the mode and owner stored with it (s3fs's), not the mount's defaults")
        void keepsOwnership() {
            m.write("/b/data.json", "[]");

            Map<String, String> meta = object("data.json").metadata();
            assertEquals(Integer.toString(PosixMetadata.S_IFREG | 0600), meta.get("mode"));
            assertEquals("7", meta.get("uid"));
            assertEquals("8", meta.get("gid"));
            Node node = m.stat("/b/data.json");
            assertEquals(0600, node.mode());
            assertEquals(7, node.uid());
        }

        @Test
        @DisplayName("gets the time of the write as its mtime, not the stored one")
        void newMtime() {
            m.time().advance(java.time.Duration.ofSeconds(30));
            m.write("/b/data.json", "[]");
            assertEquals(Long.toString(m.time().now().getEpochSecond()), object("data.json").metadata().get("mtime"));
        }

        @Test
        @DisplayName("a new file gets a Content-Type guessed from its name")
        void guessedContentType() {
            m.write("/b/page.html", "<p>");
            assertEquals("text/html", object("page.html").contentType());
            m.write("/b/unknown.zzz", "?");
            assertEquals("application/octet-stream", object("unknown.zzz").contentType());
        }
    }

    @Nested
    @DisplayName("chmod, chown and utimens of a file open with unsaved data")
    class UnsavedAttributes {
        @Test
        @DisplayName("are stored with its upload: no request of their own, no extra copy")
        void newFile() {
            long h = createWith("/b/new.sh", "#!/bin/sh");
            m.requests().reset();

            m.fs().chmod(p("/b/new.sh"), 0755);
            m.fs().chown(p("/b/new.sh"), 1000, 100);
            m.fs().utimens(p("/b/new.sh"), T);
            assertEquals(0, m.requests().total(), m.requests().summary());
            Node shown = m.stat("/b/new.sh");
            assertEquals(0755, shown.mode());
            assertEquals(1000, shown.uid());

            close("/b/new.sh", h);

            Map<String, String> meta = object("new.sh").metadata();
            assertEquals(Integer.toString(PosixMetadata.S_IFREG | 0755), meta.get("mode"));
            assertEquals("1000", meta.get("uid"));
            assertEquals("100", meta.get("gid"));
            assertEquals(Long.toString(T.getEpochSecond()), meta.get("mtime"));
            assertEquals(Map.of("upload", 1L), m.requests().counts());
        }

        @Test
        @DisplayName("on an overwritten object, replace its stored mode while its other metadata stays")
        void existingObject() {
            long h = m.fs().open(p("/b/data.json"), new OpenFlags(false, true, true, false, false));
            m.fs().write(p("/b/data.json"), h, "[1]".getBytes(UTF_8), 0, 3);
            m.fs().chmod(p("/b/data.json"), 0640);
            close("/b/data.json", h);

            FakeObjectStore.StoredObject after = object("data.json");
            assertEquals(Integer.toString(PosixMetadata.S_IFREG | 0640), after.metadata().get("mode"));
            assertEquals("7", after.metadata().get("uid"));
            assertEquals("red", after.metadata().get("color"));
            assertEquals(0, m.requests().count("copy"));
        }

        @Test
        @DisplayName("a write after utimens gives the file the write's time again")
        void writeAfterUtimens() {
            long h = createWith("/b/t.txt", "a");
            m.fs().utimens(p("/b/t.txt"), T);
            m.time().advance(java.time.Duration.ofSeconds(5));
            m.fs().write(p("/b/t.txt"), h, "b".getBytes(UTF_8), 1, 1);
            close("/b/t.txt", h);
            assertEquals(Long.toString(m.time().now().getEpochSecond()), object("t.txt").metadata().get("mtime"));
        }
    }

    @Nested
    @DisplayName("what the mount shows after the write-back")
    class Shown {
        @Test
        @DisplayName("the new size and ETag, with no request")
        void noRequest() {
            m.write("/b/data.json", "longer content");
            m.requests().reset();

            Node node = m.stat("/b/data.json");

            assertEquals(14, node.size());
            assertEquals(object("data.json").etag(), node.etag());
            assertEquals(0, m.requests().total(), m.requests().summary());
        }

        @Test
        @DisplayName("ls -l after the write: the listing, and no HEAD for what this mount wrote")
        void listedWithoutHead() {
            m.write("/b/mine.txt", "mine");
            m.fs().chmod(p("/b/mine.txt"), 0600);
            m.stat("/b");
            m.requests().reset();

            assertEquals(List.of("data.json", "mine.txt"), m.ls("/b"));
            assertEquals(0600, m.stat("/b/mine.txt").mode());
            assertEquals(0600, m.stat("/b/data.json").mode());

            assertEquals(Map.of("listPage", 1L, "head", 1L), m.requests().counts(),
                    "one HEAD, for data.json, which another client wrote");
        }

        @Test
        @DisplayName("another client's object listed after the write shows with its own attributes")
        void theirsAfterMine() {
            m.write("/b/mine.txt", "mine");
            m.s3().put("b", "theirs.txt", "by aws-cli".getBytes(UTF_8),
                    PosixMetadata.of(Map.of(), NodeType.FILE, 0640, 5, 5, T), "text/plain");

            assertEquals(List.of("data.json", "mine.txt", "theirs.txt"), m.ls("/b"));
            Node theirs = m.stat("/b/theirs.txt");
            assertEquals(10, theirs.size());
            assertEquals(0640, theirs.mode());
            assertEquals(5, theirs.uid());
            assertEquals(T, theirs.mtime());
            assertEquals(4, m.stat("/b/mine.txt").size());
        }

        @Test
        @DisplayName("another client overwriting the written file is seen at the next ls, with its new size")
        void overwrittenByThem() {
            m.write("/b/mine.txt", "mine");
            m.s3().with("b", "mine.txt", "theirs now");

            m.ls("/b");

            Node node = m.stat("/b/mine.txt");
            assertEquals(10, node.size());
            assertEquals(object("mine.txt").etag(), node.etag());
            assertEquals("theirs now", m.read("/b/mine.txt"));
        }

        @Test
        @DisplayName("the attributes written survive a remount, without a HEAD (metadata remembered by version)")
        void afterRemount() {
            m.write("/b/mine.txt", "mine");
            m.fs().chmod(p("/b/mine.txt"), 0700);
            m = m.remount();

            assertEquals(0700, m.stat("/b/mine.txt").mode());
            assertEquals(0, m.requests().count("head"));
        }

        @Test
        @DisplayName("a failed write-back shows the unsaved file while it is open and after, while S3 keeps the old object")
        void failedWriteBack() {
            m.stat("/b/data.json");
            long h = m.fs().open(p("/b/data.json"), WRITE);
            m.fs().write(p("/b/data.json"), h, "{\"unsaved\":true}".getBytes(UTF_8), 0, 16);
            m.s3().failOn("upload", "data.json", Errno.EIO);

            FsException e = assertThrows(FsException.class, () -> m.fs().flush(p("/b/data.json"), h));
            assertEquals(Errno.EIO, e.errno());
            assertEquals(16, m.stat("/b/data.json").size());
            m.fs().release(p("/b/data.json"), h);

            assertEquals(16, m.stat("/b/data.json").size(), "kept by core and retried");
            assertArrayEquals("{}".getBytes(UTF_8), m.s3().object("b", "data.json").orElseThrow().body());
        }
    }
}
