package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.PosixMetadata;
import io.localstackmount.core.Dispatcher;
import io.localstackmount.core.Filesystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ls -l} and {@code find} cost in S3 requests, first time, second time and after a
 * remount. Listings carry no user metadata, so the attributes of listed objects are learnt by HEAD,
 * all of a listing's unknown entries in parallel on the first lookup, and remembered by version on
 * disk. The shell tools are played as the kernel plays them: before {@code ls -l DIR} or
 * {@code find DIR} the kernel has looked up {@code DIR} (its path walk), so each test stats the
 * folder first and counts from there. Each folder under test is alone in its bucket, so that the
 * HEAD batch this lookup starts in the bucket's listing holds the folder only and is done when the
 * lookup returns.
 * <pre>
 * b/
 * └── big/
 *     └── f0000 ... f0999      1,000 objects, no metadata (f0007: s3fs mode 0100700)
 * t/
 * └── tree/
 *     ├── 1, 2
 *     ├── x/ 1, 2
 *     │   └── y/ 1, 2
 *     └── z/ 1                 marker z/
 * </pre>
 */
class RequestBudgetTest {
    private static final int ENTRIES = 1_000;

    @TempDir
    Path dir;

    private TestMount m;

    @BeforeEach
    void mount() {
        m = mount(dir);
        populate(m.s3());
        m.requests().reset();
    }

    @AfterEach
    void unmount() {
        m.close();
    }

    private TestMount mount(Path folder) {
        return TestMount.builder(folder).buckets("b").start();
    }

    static void populate(FakeObjectStore s3) {
        s3.withBuckets("b", "t");
        for (int i = 0; i < ENTRIES; i++) {
            String key = String.format("big/f%04d", i);
            if (i == 7) {
                s3.put("b", key, new byte[3], Map.of("mode", Integer.toString(PosixMetadata.S_IFREG | 0700)), null);
            } else {
                s3.put("b", key, new byte[i % 10], Map.of(), null);
            }
        }
        s3.withKeys("t", "tree/1", "tree/2", "tree/x/1", "tree/x/2", "tree/x/y/1", "tree/x/y/2", "tree/z/", "tree/z/1");
    }

    /** {@code ls -l}: readdir, then a getattr of every entry in listing order, as ls does. */
    private static List<Node> lsl(Dispatcher fs, String folder) {
        List<Node> nodes = new ArrayList<>();
        for (Node entry : fs.readdir(FsPath.parse(folder))) {
            nodes.add(fs.getattr(FsPath.parse(folder + "/" + entry.name())));
        }
        return nodes;
    }

    /** {@code find}: readdir, and readdir of every folder found, depth first; the paths found. */
    private static List<String> find(Dispatcher fs, String folder) {
        List<String> found = new ArrayList<>();
        for (Node entry : fs.readdir(FsPath.parse(folder))) {
            String p = folder + "/" + entry.name();
            found.add(p);
            if (entry.isDirectory()) {
                found.addAll(find(fs, p));
            }
        }
        return found;
    }

    /** {@code find} through the kernel: it looks each folder up (getattr) before it reads it. */
    private static void kernelFind(Dispatcher fs, String folder) {
        for (Node entry : fs.readdir(FsPath.parse(folder))) {
            String p = folder + "/" + entry.name();
            if (entry.isDirectory()) {
                fs.getattr(FsPath.parse(p));
                kernelFind(fs, p);
            }
        }
    }

    /** The kernel's path walk to {@code folder}, then counting starts. */
    private void cd(TestMount mount, String folder) {
        mount.stat(folder);
        mount.requests().reset();
    }

    @Nested
    @DisplayName("ls -l of a folder of 1,000 objects")
    class LsL {
        @Test
        @DisplayName("the first time: 1 LIST and 1,000 HEADs, each object once")
        void first() {
            cd(m, "/b/big");
            List<Node> nodes = lsl(m.fs(), "/b/big");
            assertEquals(ENTRIES, nodes.size());
            assertEquals(Map.of("listPage", 1L, "head", (long) ENTRIES), m.requests().counts());
            assertEquals(0700, nodes.get(7).mode(), "what the HEADs learnt is shown");
        }

        @Test
        @DisplayName("the HEADs run in parallel, starting with the first getattr")
        void parallel() {
            RequestLogStore store = new RequestLogStore(m.s3());
            try (Filesystem fs = store.mount(dir.resolve("gated"), m.time(), b -> b)) {
                Dispatcher d = fs.dispatcher();
                d.getattr(FsPath.parse("/b/big"));
                List<Node> listed = d.readdir(FsPath.parse("/b/big"));
                fs.store().reset();
                // Each HEAD, once answered, waits until 16 are in flight: the first getattr returns
                // (within the gate's ten seconds) only if the batch started on it, 16 at once.
                store.holdHeadsUntilInFlight(16);
                long started = System.nanoTime();
                Node first = d.getattr(FsPath.parse("/b/big/" + listed.get(0).name()));
                assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos(), "the gate opened: HEADs ran in parallel");
                assertEquals(NodeType.FILE, first.type());
                assertTrue(store.maxHeadsInFlight() >= 16, "at most " + store.maxHeadsInFlight() + " HEADs in flight");
                for (Node entry : listed) {
                    d.getattr(FsPath.parse("/b/big/" + entry.name()));
                }
                assertEquals(Map.of("head", (long) ENTRIES), fs.store().counts(), "each object once");
            }
        }

        @Test
        @DisplayName("an unmount stops the HEADs of a batch still running: none is sent for the entries left")
        void unmountStopsTheBatch() throws Exception {
            RequestLogStore store = new RequestLogStore(m.s3());
            Filesystem fs = store.mount(dir.resolve("gated"), m.time(), b -> b);
            Dispatcher d = fs.dispatcher();
            d.getattr(FsPath.parse("/b/big"));
            List<Node> listed = d.readdir(FsPath.parse("/b/big"));
            store.holdHeads();
            Thread stat = new Thread(() -> d.getattr(FsPath.parse("/b/big/" + listed.get(0).name())));
            stat.start();
            store.awaitHeadsAtGate(17); // the stat's own HEAD and one of each of the 16 lanes
            fs.close();
            store.releaseHeads();
            stat.join(10_000);
            long heads = store.log().stream().filter(l -> l.startsWith("head b big/f")).count();
            assertTrue(heads < 50, heads + " HEADs of " + ENTRIES + " entries were sent, most after the unmount");
        }

        @Test
        @DisplayName("a second time, unchanged: 1 LIST and no HEAD")
        void second() {
            cd(m, "/b/big");
            lsl(m.fs(), "/b/big");
            m.requests().reset();
            List<Node> again = lsl(m.fs(), "/b/big");
            assertEquals(Map.of("listPage", 1L), m.requests().counts());
            assertEquals(0700, again.get(7).mode());
        }

        @Test
        @DisplayName("after a remount, unchanged: 1 LIST and no HEAD (the metadata was remembered on disk)")
        void afterRemount() {
            cd(m, "/b/big");
            lsl(m.fs(), "/b/big");
            m = m.remount();
            cd(m, "/b/big");
            List<Node> again = lsl(m.fs(), "/b/big");
            assertEquals(Map.of("listPage", 1L), m.requests().counts());
            assertEquals(0700, again.get(7).mode());
        }

        @Test
        @DisplayName("a mount with another cache folder knows nothing: 1 LIST and 1,000 HEADs again")
        void otherCacheFolder() {
            cd(m, "/b/big");
            lsl(m.fs(), "/b/big");
            try (TestMount other = TestMount.builder(dir.resolve("other")).store(m.s3()).time(m.time()).start()) {
                cd(other, "/b/big");
                lsl(other.fs(), "/b/big");
                assertEquals(Map.of("listPage", 1L, "head", (long) ENTRIES), other.requests().counts());
            }
        }

        @Test
        @DisplayName("an object another client rewrote (new ETag) is HEADed again, alone")
        void rewritten() {
            cd(m, "/b/big");
            lsl(m.fs(), "/b/big");
            m.s3().put("b", "big/f0003", new byte[42], Map.of("mode", Integer.toString(PosixMetadata.S_IFREG | 0600)), null);
            m.requests().reset();
            List<Node> again = lsl(m.fs(), "/b/big");
            assertEquals(Map.of("listPage", 1L, "head", 1L), m.requests().counts());
            assertEquals(42, again.get(3).size());
            assertEquals(0600, again.get(3).mode());
        }

        @Test
        @DisplayName("an object whose metadata another client replaced by a copy (same ETag, later Last-Modified) is HEADed again")
        void metadataCopied() {
            cd(m, "/b/big");
            lsl(m.fs(), "/b/big");
            m.time().advance(Duration.ofSeconds(5));
            m.s3().copy("b", "big/f0007", "b", "big/f0007", Map.of("mode", Integer.toString(PosixMetadata.S_IFREG | 0640)));
            cd(m, "/b/big");
            List<Node> again = lsl(m.fs(), "/b/big");
            assertEquals(Map.of("listPage", 1L, "head", 1L), m.requests().counts());
            assertEquals(0640, again.get(7).mode());
        }

        @Test
        @DisplayName("with metadata.head-unknown off: 1 LIST and no HEAD, and listed objects show the defaults")
        void headUnknownOff() {
            try (TestMount off = TestMount.builder(dir.resolve("off")).store(m.s3()).time(m.time())
                    .config(b -> b.headUnknown(false)).start()) {
                cd(off, "/b/big");
                List<Node> nodes = lsl(off.fs(), "/b/big");
                assertEquals(Map.of("listPage", 1L), off.requests().counts());
                assertEquals(0644, nodes.get(7).mode(), "documented: without a HEAD the stored mode is not known");
            }
        }
    }

    @Nested
    @DisplayName("find (readdir only, recursively)")
    class Find {
        @Test
        @DisplayName("costs one LIST per folder and no HEAD")
        void listsOnly() {
            cd(m, "/t/tree");
            List<String> found = find(m.fs(), "/t/tree");
            assertEquals(List.of("/t/tree/1", "/t/tree/2", "/t/tree/x", "/t/tree/x/1", "/t/tree/x/2", "/t/tree/x/y",
                    "/t/tree/x/y/1", "/t/tree/x/y/2", "/t/tree/z", "/t/tree/z/1"), found);
            assertEquals(Map.of("listPage", 4L), m.requests().counts());
        }

        @Test
        @DisplayName("a second time too")
        void again() {
            cd(m, "/t/tree");
            find(m.fs(), "/t/tree");
            m.requests().reset();
            find(m.fs(), "/t/tree");
            assertEquals(Map.of("listPage", 4L), m.requests().counts());
        }

        @Test
        @DisplayName("find as the kernel runs it (a lookup of each folder before reading it): one HEAD per folder the first time, of its marker, none of a file")
        void asTheKernelRunsIt() {
            cd(m, "/t/tree");
            kernelFind(m.fs(), "/t/tree");
            assertEquals(Map.of("listPage", 4L, "head", 3L), m.requests().counts(), "the markers of x, x/y and z");
        }

        @Test
        @DisplayName("find as the kernel runs it, again after a remount: LISTs only (the folders' markers are remembered)")
        void asTheKernelRunsItAfterRemount() {
            kernelFind(m.fs(), "/t/tree");
            m = m.remount();
            cd(m, "/t/tree");
            kernelFind(m.fs(), "/t/tree");
            assertEquals(Map.of("listPage", 4L), m.requests().counts());
        }

        @Test
        @DisplayName("then ls -l of a folder costs its HEADs as if find had not run")
        void thenLsL() {
            cd(m, "/t/tree");
            find(m.fs(), "/t/tree");
            m.requests().reset();
            lsl(m.fs(), "/t/tree");
            assertEquals(Map.of("listPage", 1L, "head", 4L), m.requests().counts(), "1, 2, and the markers of x and z");
        }
    }
}
