package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.core.Dispatcher;
import io.localstackmount.core.Filesystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the mount sees what another client (a test run, aws-cli) changed. Listings are asked of S3
 * on every readdir, so {@code ls} shows new and removed names at once; lookups of names are trusted
 * for {@code metadata.ttl}, absences for the negative TTL (2 s each by default); a name missing from
 * an older listing is asked of S3 alone; and every read that meets another version, or no object,
 * updates what stat shows. Time is {@link ManualTime}: nothing expires unless a test advances it.
 * <pre>
 * b/
 * ├── a.txt        "hello"
 * ├── other.txt    "other"
 * └── dir/
 *     └── x
 * </pre>
 */
class FreshnessTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration JUST_UNDER = TTL.minusMillis(1);
    private static final Duration JUST_OVER = TTL.plusMillis(1);

    @TempDir
    Path dir;

    private TestMount m;

    @BeforeEach
    void mount() {
        m = TestMount.builder(dir).buckets("b").start();
        m.s3().with("b", "a.txt", "hello").with("b", "other.txt", "other").withKeys("b", "dir/x");
        m.requests().reset();
    }

    @AfterEach
    void unmount() {
        m.close();
    }

    private Errno errnoOf(Runnable op) {
        return assertThrows(FsException.class, op::run).errno();
    }

    /**
     * stat of every entry of /b, as ls -l does after its readdir. The first lookup in a listing
     * starts the HEADs of all its entries in the background; once each was looked up, none is left
     * to be counted later.
     */
    private void statAll() {
        for (String name : List.of("a.txt", "dir", "other.txt")) {
            m.stat("/b/" + name);
        }
    }

    private boolean exists(String p) {
        return m.namespace().find(FsPath.parse(p)).isPresent();
    }

    @Nested
    @DisplayName("ls: fresh on every readdir")
    class Listings {
        @Test
        @DisplayName("an object another client creates right after an ls is listed by the next ls, no time passing")
        void newObject() {
            assertEquals(List.of("a.txt", "dir", "other.txt"), m.ls("/b"));
            m.s3().with("b", "new.txt", "x");
            assertEquals(List.of("a.txt", "dir", "new.txt", "other.txt"), m.ls("/b"));
        }

        @Test
        @DisplayName("a folder another client creates (a key below it, or a marker) is listed by the next ls")
        void newFolder() {
            m.ls("/b");
            m.s3().with("b", "implicit/y", "x").with("b", "marked/", "");
            assertEquals(List.of("a.txt", "dir", "implicit", "marked", "other.txt"), m.ls("/b"));
            assertEquals(NodeType.DIRECTORY, m.stat("/b/marked").type());
            assertEquals(List.of("y"), m.ls("/b/implicit"));
        }

        @Test
        @DisplayName("a name another client deletes is gone from the next ls, and from stat at once")
        void deleted() {
            m.ls("/b");
            m.stat("/b/a.txt");
            m.s3().delete("b", "a.txt");
            assertEquals(List.of("dir", "other.txt"), m.ls("/b"));
            assertEquals(Errno.ENOENT, errnoOf(() -> m.stat("/b/a.txt")));
        }

        @Test
        @DisplayName("each ls costs its listing: no listing is reused, even within the TTL")
        void eachLsAsks() {
            m.stat("/b");
            m.requests().reset();
            m.ls("/b");
            m.ls("/b");
            assertEquals(Map.of("listPage", 2L), m.requests().counts());
        }

        @Test
        @DisplayName("the entries of a listing answer lookups within the TTL, without a request")
        void entriesAnswerLookups() {
            m.ls("/b");
            statAll(); // the first lookups learn the entries' attributes (one HEAD batch)
            m.requests().reset();
            statAll();
            assertEquals(0, m.requests().total(), m.requests().counts().toString());
        }
    }

    @Nested
    @DisplayName("stat: trusted for the TTL")
    class Lookups {
        @Test
        @DisplayName("a file another client deletes still shows within the TTL, and is gone after it")
        void deletedElsewhere() {
            m.stat("/b/a.txt");
            m.s3().delete("b", "a.txt");
            m.time().advance(JUST_UNDER);
            assertTrue(exists("/b/a.txt"));
            m.time().advance(Duration.ofMillis(2));
            assertFalse(exists("/b/a.txt"));
        }

        @Test
        @DisplayName("an object another client rewrites shows its new size and ETag after the TTL")
        void overwrittenElsewhere() {
            Node before = m.stat("/b/a.txt");
            m.s3().with("b", "a.txt", "a longer body");
            assertEquals(5, m.stat("/b/a.txt").size(), "within the TTL");
            m.time().advance(JUST_OVER);
            Node after = m.stat("/b/a.txt");
            assertEquals(13, after.size());
            assertNotEquals(before.etag(), after.etag());
        }

        @Test
        @DisplayName("a name missing from an older listing is asked of S3 alone, so a file another client just wrote shows")
        void missFromOlderListing() {
            RequestLogStore store = new RequestLogStore(m.s3());
            try (Filesystem fs = store.mount(dir.resolve("logged"), m.time(), b -> b)) {
                Dispatcher d = fs.dispatcher();
                d.readdir(FsPath.parse("/b"));
                m.time().advanceMillis(500);
                m.s3().with("b", "fresh", "x");
                store.clearLog();
                assertEquals(NodeType.FILE, d.getattr(FsPath.parse("/b/fresh")).type());
                assertEquals(List.of("listPage b fresh", "head b fresh"), store.log(), "the name, not its folder");
            }
        }

        @Test
        @DisplayName("a folder another client emptied after the listing is gone once the listing is older than the TTL")
        void folderFromListingExpiresWithIt() {
            m.ls("/b");                             // t=0: dir/ is a prefix
            m.time().advanceMillis(100);
            m.s3().delete("b", "dir/x");            // t=0.1 s: another client removes its only key
            m.time().advanceMillis(1_800);
            assertTrue(exists("/b/dir"));           // t=1.9 s: the listing still says so, within the TTL
            m.time().advanceMillis(600);            // t=2.5 s: the listing is older than the TTL
            assertFalse(exists("/b/dir"), "nothing about /b may be older than the TTL");
        }

        @Test
        @DisplayName("without HEADs (head-unknown off), a file first looked up late in the listing's life expires with it")
        void fileFromListingExpiresWithIt() {
            try (TestMount off = TestMount.builder(dir.resolve("off")).store(m.s3()).time(m.time())
                    .config(b -> b.headUnknown(false)).start()) {
                off.ls("/b");
                m.time().advanceMillis(100);
                m.s3().delete("b", "a.txt");
                m.time().advanceMillis(1_800);
                assertTrue(off.namespace().find(FsPath.parse("/b/a.txt")).isPresent(), "from the listing, within the TTL");
                m.time().advanceMillis(600);
                assertTrue(off.namespace().find(FsPath.parse("/b/a.txt")).isEmpty(), "the listing it came from is too old");
            }
        }

        @Test
        @DisplayName("an answer taken from a listing never outlives the listing")
        void derivedAnswersExpireWithTheListing() {
            m.ls("/b");                             // t=0: the listing says "later" does not exist
            m.time().advanceMillis(500);
            m.s3().with("b", "later", "x");         // t=0.5 s: another client creates it
            m.time().advanceMillis(1_400);
            m.namespace().find(FsPath.parse("/b/later")); // t=1.9 s: either answer is fine within the TTL
            m.time().advanceMillis(800);            // t=2.7 s: 2.2 s after the change, 2.7 s after the listing
            assertTrue(exists("/b/later"), "nothing about /b may be older than the TTL");
        }

        @Test
        @DisplayName("metadata.ttl 0 asks S3 on every lookup, and sees a deletion at once")
        void zeroTtl() {
            try (TestMount zero = TestMount.builder(dir.resolve("zero")).store(m.s3()).time(m.time())
                    .config(b -> b.metadataTtl(Duration.ZERO).negativeTtl(Duration.ZERO)).start()) {
                for (String p : List.of("/b/a.txt", "/b/a.txt", "/b/missing", "/b/missing")) {
                    zero.requests().reset();
                    zero.namespace().find(FsPath.parse(p));
                    assertTrue(zero.requests().total() > 0, p);
                }
                zero.s3().delete("b", "a.txt");
                assertTrue(zero.namespace().find(FsPath.parse("/b/a.txt")).isEmpty(), "seen at once");
            }
        }
    }

    @Nested
    @DisplayName("no such file: trusted for the negative TTL")
    class Negative {
        @Test
        @DisplayName("100 lookups of a missing name within the TTL cost one LIST")
        void burst() {
            for (int i = 0; i < 100; i++) {
                assertFalse(exists("/b/.git"));
                m.time().advanceMillis(10);
            }
            assertEquals(Map.of("listPage", 1L), m.requests().counts());
        }

        @Test
        @DisplayName("after the negative TTL a name another client created shows up")
        void expires() {
            assertFalse(exists("/b/later"));
            m.s3().with("b", "later", "now it exists");
            m.time().advance(JUST_UNDER);
            assertFalse(exists("/b/later"), "still trusted within the TTL");
            m.time().advance(Duration.ofMillis(2));
            assertTrue(exists("/b/later"));
        }

        @Test
        @DisplayName("the negative TTL is its own setting")
        void ownTtl() {
            try (TestMount own = TestMount.builder(dir.resolve("own")).store(m.s3()).time(m.time())
                    .config(b -> b.metadataTtl(Duration.ofSeconds(10)).negativeTtl(Duration.ofMillis(300))).start()) {
                assertTrue(own.namespace().find(FsPath.parse("/b/later")).isEmpty());
                assertEquals(NodeType.FILE, own.stat("/b/a.txt").type());
                own.s3().with("b", "later", "x");
                own.s3().delete("b", "a.txt");
                own.time().advanceMillis(301);
                assertEquals(NodeType.FILE, own.stat("/b/later").type(), "absence expired after 300 ms");
                assertEquals(NodeType.FILE, own.stat("/b/a.txt").type(), "presence still trusted for 10 s");
            }
        }
    }

    @Nested
    @DisplayName("what reads see")
    class Reads {
        @Test
        @DisplayName("a cat that meets a new version shows its content, and stat shows its size at once")
        void newVersion() {
            assertEquals(5, m.stat("/b/a.txt").size());
            m.s3().with("b", "a.txt", "a longer body");
            assertEquals("a longer body", m.read("/b/a.txt"));
            Node now = m.stat("/b/a.txt");
            assertEquals(13, now.size());
            assertEquals(m.s3().object("b", "a.txt").orElseThrow().etag(), now.etag());
        }

        @Test
        @DisplayName("an open that finds the object gone is ENOENT, and stat agrees at once")
        void gone() {
            m.stat("/b/a.txt");
            m.s3().delete("b", "a.txt");
            assertEquals(Errno.ENOENT, errnoOf(() -> m.read("/b/a.txt")));
            assertEquals(Errno.ENOENT, errnoOf(() -> m.stat("/b/a.txt")));
        }
    }

    @Nested
    @DisplayName("this mount's own changes")
    class LocalChanges {
        @Test
        @DisplayName("a file written here is known at once, without a request")
        void written() {
            m.ls("/b");
            m.write("/b/new.txt", "abc");
            m.requests().reset();
            assertEquals(3, m.stat("/b/new.txt").size());
            assertEquals(0, m.requests().total());
            assertTrue(m.ls("/b").contains("new.txt"));
        }

        @Test
        @DisplayName("a file removed here is gone at once, without a request, though the listing was fetched before")
        void removed() {
            m.ls("/b");
            statAll();
            m.fs().unlink(FsPath.parse("/b/a.txt"));
            m.requests().reset();
            assertFalse(exists("/b/a.txt"));
            assertEquals(0, m.requests().total());
        }

        @Test
        @DisplayName("the other names of a listing still answer from it after a local change")
        void listingPatched() {
            m.ls("/b");
            statAll();
            m.write("/b/new.txt", "abc");
            m.requests().reset();
            m.stat("/b/other.txt");
            assertEquals(0, m.requests().total());
        }

        @Test
        @DisplayName("a local change does not extend the listing's TTL")
        void changeKeepsTtl() {
            m.ls("/b");                              // fetched at t=0
            m.time().advanceMillis(1_500);
            m.write("/b/new.txt", "abc");
            m.s3().with("b", "elsewhere.txt", "x");  // another client, after our change
            m.time().advanceMillis(600);             // t=2.1 s: the listing from t=0 is stale now
            assertTrue(exists("/b/elsewhere.txt"));
            assertTrue(exists("/b/new.txt"));
        }

        @Test
        @DisplayName("a HEAD of an older listing's batch that answers late never undoes a change made since")
        void lateHeadOfOlderListing() throws Exception {
            m.s3().with("b", "gone/", "");
            RequestLogStore store = new RequestLogStore(m.s3());
            Filesystem fs = store.mount(dir.resolve("logged"), m.time(), b -> b);
            Dispatcher d = fs.dispatcher();
            d.readdir(FsPath.parse("/b"));                   // listing 1: gone/, attributes unknown
            store.holdFirstHeadOf("gone/");
            d.getattr(FsPath.parse("/b/a.txt"));             // starts listing 1's HEADs; gone/'s answers "a marker", then waits
            store.awaitHeld();
            d.readdir(FsPath.parse("/b"));                   // listing 2, with HEADs of its own
            d.rmdir(FsPath.parse("/b/gone"));                // the marker is deleted
            store.releaseHeld();                             // listing 1's late answer comes in
            fs.close();                                      // waits for it to be recorded
            assertTrue(fs.namespace().find(FsPath.parse("/b/gone")).isEmpty(), "the rmdir stands");
        }

        @Test
        @DisplayName("a folder this mount writes into still asks S3 for a name its listing lacks")
        void writtenFolderAsksForAbsentNames() {
            m.ls("/b");                              // t=0
            m.time().advanceMillis(100);
            m.s3().with("b", "late", "x");           // t=0.1 s: another client, after the listing
            m.time().advanceMillis(1_400);
            m.write("/b/new.txt", "abc");            // t=1.5 s: this mount writes in /b
            m.time().advanceMillis(400);
            assertTrue(exists("/b/late"), "within the TTL, but the listing cannot vouch for what others wrote");
        }

        @Test
        @DisplayName("a folder this mount made answers absent names from its listing, but no longer than the TTL")
        void madeFolderAnswersAbsenceWithinTtl() {
            m.fs().mkdir(FsPath.parse("/b/made"), 0755); // t=0
            m.time().advanceMillis(100);
            m.s3().with("b", "made/late", "x");          // t=0.1 s: another client, right after the mkdir
            m.time().advanceMillis(1_800);
            assertFalse(exists("/b/made/late"));         // t=1.9 s: the listing answers, within its TTL
            m.time().advanceMillis(600);                 // t=2.5 s: the listing is older than the TTL
            assertTrue(exists("/b/made/late"), "an absence taken from the listing expires with it");
        }

        @Test
        @DisplayName("what was cached below a removed folder is forgotten with it")
        void removedFolderForgetsBelow() {
            m.fs().mkdir(FsPath.parse("/b/gone"), 0755);
            assertFalse(exists("/b/gone/x"));          // cached: no such file
            m.fs().rmdir(FsPath.parse("/b/gone"));
            m.s3().with("b", "gone/x", "another client fills it again");
            assertTrue(exists("/b/gone/x"), "not answered from the absence cached below the removed folder");
        }
    }
}
