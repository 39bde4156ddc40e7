package io.localstackmount.core;

import static io.localstackmount.core.NamespaceFixture.GID;
import static io.localstackmount.core.NamespaceFixture.UID;
import static io.localstackmount.core.NamespaceFixture.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FolderState;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.PosixMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The namespace over a fake store, with time under the test's control. Every test starts from
 * this tree (TTL 2 s for attributes, listings and missing names; umask 022; uid 1000, gid 1001):
 * <pre>
 * /
 * ├── b/
 * │   ├── a.txt            "hello", no metadata
 * │   ├── meta.txt         s3fs metadata: mode 0100755, uid 7, gid 8, mtime 1600000000.5
 * │   ├── link             mode 0120777: a symlink to "a.txt"
 * │   ├── dir/             marker "dir/" (mode 040750)
 * │   │   ├── x
 * │   │   └── sub/         implicit
 * │   │       └── y
 * │   ├── implicit/        no marker
 * │   │   └── z
 * │   ├── same             object "same", shadowed by the folder below
 * │   └── same/
 * │       └── inner
 * ├── weird/               keys that cannot all be paths
 * │   ├── a//b             "a" is a folder whose only entry has an empty name: hidden
 * │   ├── ./x              "." hidden
 * │   ├── ../x             ".." hidden
 * │   ├── nnn…n (256 B)    hidden
 * │   ├── nnn…n (255 B)    shown
 * │   └── fine
 * └── empty/               a bucket without objects
 * </pre>
 */
class CachedNamespaceTest {
    private static final String NAME_255 = "n".repeat(255);
    private static final String NAME_256 = "n".repeat(256);
    private static final Instant META_MTIME = Instant.ofEpochSecond(1600000000, 500_000_000);

    private NamespaceFixture f;
    private CachedNamespace ns;
    private FakeObjectStore fake;

    @BeforeEach
    void tree() {
        f = NamespaceFixture.withDefaults();
        ns = f.ns;
        fake = f.fake;
        populate(fake);
        f.requests();
    }

    static void populate(FakeObjectStore fake) {
        fake.withBuckets("b", "weird", "empty");
        fake.with("b", "a.txt", "hello");
        fake.put("b", "meta.txt", bytes("#!/bin/sh\n"),
                Map.of("mode", "33261", "uid", "7", "gid", "8", "mtime", "1600000000.5"), "text/x-sh");
        fake.put("b", "link", bytes("a.txt"), Map.of("mode", Integer.toString(PosixMetadata.S_IFLNK | 0777)), null);
        fake.put("b", "dir/", new byte[0], Map.of("mode", Integer.toString(040750)), "application/x-directory");
        fake.withKeys("b", "dir/x", "dir/sub/y", "implicit/z", "same", "same/inner");
        fake.withKeys("weird", "a//b", "./x", "../x", NAME_256, NAME_255, "fine");
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Node node(String p) {
        return ns.find(path(p)).orElseThrow(() -> new AssertionError("expected something at " + p));
    }

    private List<String> names(String folder) {
        return f.names(folder);
    }

    private void advance(long millis) {
        f.time.advanceMillis(millis);
    }

    private static final long TTL_MS = 2_000;

    @Nested
    @DisplayName("find: what a path is")
    class Find {
        @Test
        @DisplayName("the root is a folder dated at mount time, known without a request")
        void root() {
            Node root = node("/");
            assertEquals(NodeType.DIRECTORY, root.type());
            assertEquals(ManualTime.START, root.mtime());
            assertEquals(0755, root.mode());
            assertEquals(0, f.requests());
        }

        @Test
        @DisplayName("a bucket is a folder; a missing bucket is nothing")
        void bucket() {
            assertEquals(NodeType.DIRECTORY, node("/b").type());
            assertEquals(1, f.store.count("bucketExists"));
            assertEquals(Optional.empty(), ns.find(path("/nope")));
        }

        @Test
        @DisplayName("after listing the root, buckets are known without a request")
        void bucketFromRootListing() {
            ns.list(FsPath.ROOT);
            f.requests();
            assertTrue(ns.find(path("/b")).isPresent());
            assertTrue(ns.find(path("/nope")).isEmpty());
            assertEquals(0, f.requests());
        }

        @Test
        @DisplayName("a file without metadata: its size, Last-Modified, ETag and the mount's defaults")
        void plainFile() {
            Node a = node("/b/a.txt");
            assertEquals(new Node("a.txt", NodeType.FILE, 5, ManualTime.START, 0644, UID, GID, FakeObjectStore.md5Hex(bytes("hello"))), a);
            assertTrue(f.store.total() <= 2, "a HEAD and a LIST at most: " + f.store.counts());
        }

        @Test
        @DisplayName("in a folder larger than one page, entries past the first page are found too")
        void largeFolder() {
            for (int i = 0; i < 1_200; i++) {
                fake.put("empty", String.format("big/f%04d", i), new byte[0], Map.of(), null);
            }
            fake.put("empty", "big/zz-s3fs", bytes("x"), Map.of("mode", "33216"), null);
            assertEquals(NodeType.FILE, node("/empty/big/f0001").type());
            assertEquals(NodeType.FILE, node("/empty/big/f1199").type());
            assertEquals(0700, node("/empty/big/zz-s3fs").mode());
            assertTrue(ns.find(path("/empty/big/f9999")).isEmpty());
            assertEquals(1_201, names("/empty/big").size());
        }

        /** The same tree, with head-unknown on: listed objects of unknown metadata get a HEAD on lookup. */
        private NamespaceFixture headUnknown() {
            NamespaceFixture g = new NamespaceFixture(b -> b.headUnknown(true));
            populate(g.fake);
            return g;
        }

        @Test
        @DisplayName("by default (head-unknown off), s3fs metadata of objects not written here is not read (SEMANTICS.md)")
        void s3fsDefault() {
            Node m = node("/b/meta.txt");
            assertEquals(0644, m.mode());
            assertEquals(UID, m.uid());
            assertEquals(NodeType.FILE, node("/b/link").type());
            assertEquals(0, f.store.count("head"));
        }

        @Test
        @DisplayName("with head-unknown, a file with s3fs metadata: mode, owner and mtime from it, for one HEAD")
        void s3fsFile() throws Exception {
            try (NamespaceFixture g = headUnknown()) {
                Node m = g.ns.find(path("/b/meta.txt")).orElseThrow();
                assertEquals(1, g.store.count("head"));
                assertEquals(NodeType.FILE, m.type());
                assertEquals(0755, m.mode());
                assertEquals(7, m.uid());
                assertEquals(8, m.gid());
                assertEquals(META_MTIME, m.mtime());
                g.ns.find(path("/b/meta.txt"));
                assertEquals(1, g.store.count("head"), "once per version");
            }
        }

        @Test
        @DisplayName("with head-unknown, S_IFLNK in the mode makes a symlink")
        void symlink() throws Exception {
            try (NamespaceFixture g = headUnknown()) {
                Node l = g.ns.find(path("/b/link")).orElseThrow();
                assertEquals(NodeType.SYMLINK, l.type());
                assertEquals(0777, l.mode());
                assertEquals(5, l.size());
            }
        }

        @Test
        @Disabled("bug: with head-unknown on, list() still answers the listing's default node (FILE, 0644) for objects "
                + "whose metadata is unknown, and readdir sends that type as d_type: find -type l and ls see an s3fs "
                + "symlink as a regular file while stat says symlink")
        @DisplayName("with head-unknown, a listing never shows a type that stat contradicts")
        void s3fsListingAgreesWithStat() throws Exception {
            try (NamespaceFixture g = headUnknown()) {
                for (Node listed : g.ns.list(path("/b"))) {
                    Node stat = g.ns.find(path("/b/" + listed.name())).orElseThrow();
                    assertEquals(stat.type(), listed.type(), listed.name());
                }
            }
        }

        @Test
        @Disabled("bug: without head-unknown, an s3fs symlink is a regular file in a folder of up to 1,000 entries but a "
                + "symlink in a larger one, where the lookup falls back to fetchObjectPath, which HEADs unknown files")
        @DisplayName("an s3fs symlink looks the same whatever the size of its folder")
        void s3fsIndependentOfFolderSize() {
            fake.put("empty", "small/link", bytes("t"), Map.of("mode", Integer.toString(PosixMetadata.S_IFLNK | 0777)), null);
            fake.put("empty", "large/link", bytes("t"), Map.of("mode", Integer.toString(PosixMetadata.S_IFLNK | 0777)), null);
            for (int i = 0; i < 1_000; i++) {
                fake.put("empty", String.format("large/f%04d", i), new byte[0], Map.of(), null);
            }
            assertEquals(node("/empty/small/link").type(), node("/empty/large/link").type());
        }

        @Test
        @DisplayName("a folder with a marker is a folder")
        void markerFolder() {
            Node d = node("/b/dir");
            assertEquals(NodeType.DIRECTORY, d.type());
            assertEquals(0, d.size());
        }

        @Test
        @Disabled("bug: lookups learn about a marker only from LIST answers, which carry no metadata, and never HEAD it, "
                + "not even with head-unknown: a folder's stored mode/uid/gid/mtime show as defaults, its ETag as null")
        @DisplayName("with head-unknown, a folder with a marker takes mode, owner, mtime and ETag from the marker")
        void markerFolderAttributes() throws Exception {
            try (NamespaceFixture g = new NamespaceFixture(b -> b.headUnknown(true))) {
                populate(g.fake);
                g.fake.put("b", "dir/", new byte[0],
                        Map.of("mode", Integer.toString(040750), "uid", "7", "gid", "8", "mtime", "1600000000.5"), "application/x-directory");
                Node d = g.ns.find(path("/b/dir")).orElseThrow();
                assertEquals(0750, d.mode());
                assertEquals(7, d.uid());
                assertEquals(META_MTIME, d.mtime());
                assertEquals(g.fake.object("b", "dir/").orElseThrow().etag(), d.etag());
            }
        }

        @Test
        @DisplayName("an implicit folder gets the defaults, mount time and no ETag")
        void implicitFolder() {
            assertEquals(new Node("implicit", NodeType.DIRECTORY, 0, ManualTime.START, 0755, UID, GID, null), node("/b/implicit"));
            assertEquals(NodeType.DIRECTORY, node("/b/dir/sub").type());
        }

        @Test
        @DisplayName("a folder shadows an object of the same name")
        void shadow() {
            assertEquals(NodeType.DIRECTORY, node("/b/same").type());
            assertNull(node("/b/same").etag());
        }

        @Test
        @DisplayName("nothing there: empty, and lookup is ENOENT")
        void missing() {
            assertEquals(Optional.empty(), ns.find(path("/b/missing")));
            FsException e = assertThrows(FsException.class, () -> ns.lookup(path("/b/missing")));
            assertEquals(Errno.ENOENT, e.errno());
            assertEquals(Optional.empty(), ns.find(path("/b/a.txt/below-a-file")));
            assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> ns.lookup(path("/nope/x"))).errno(),
                    "in a missing bucket");
        }

        @Test
        @DisplayName("a folder found by lookup: keys with an empty segment still make it a folder")
        void weirdFolder() {
            assertEquals(NodeType.DIRECTORY, node("/weird/a").type());
        }
    }

    @Nested
    @DisplayName("list: what a folder holds")
    class ListFolder {
        @Test
        @DisplayName("the root lists the buckets")
        void root() {
            assertEquals(List.of("b", "empty", "weird"), names("/"));
            assertTrue(ns.list(FsPath.ROOT).stream().allMatch(Node::isDirectory));
        }

        @Test
        @DisplayName("a bucket lists files and folders by name; a shadowed object appears once, as the folder")
        void bucket() {
            List<Node> entries = ns.list(path("/b"));
            assertEquals(List.of("a.txt", "dir", "implicit", "link", "meta.txt", "same"),
                    entries.stream().map(Node::name).toList());
            Map<String, NodeType> types = new java.util.HashMap<>();
            entries.forEach(n -> types.put(n.name(), n.type()));
            assertEquals(NodeType.FILE, types.get("a.txt"));
            assertEquals(NodeType.DIRECTORY, types.get("dir"));
            assertEquals(NodeType.DIRECTORY, types.get("implicit"));
            assertEquals(NodeType.DIRECTORY, types.get("same"));
            assertEquals(1, f.store.count("listPage"), "one page");
        }

        @Test
        @DisplayName("a folder's own marker is not an entry of it")
        void marker() {
            assertEquals(List.of("sub", "x"), names("/b/dir"));
        }

        @Test
        @DisplayName("keys that cannot be paths (a//b, ./x, ../x, a 256-byte name) are hidden, without an error")
        void unrepresentable() {
            assertEquals(List.of("a", "fine", NAME_255), names("/weird"));
            assertEquals(List.of(), names("/weird/a"), "a//b has an empty name below a/");
        }

        @Test
        @DisplayName("an empty bucket lists nothing")
        void emptyBucket() {
            assertEquals(List.of(), names("/empty"));
        }

        @Test
        @DisplayName("a listing fills the node cache: stat of every entry costs 0 requests")
        void fillsNodeCache() {
            List<Node> entries = ns.list(path("/b"));
            f.requests();
            for (Node entry : entries) {
                assertEquals(entry, node("/b/" + entry.name()));
            }
            assertEquals(0, f.requests());
        }

        @Test
        @DisplayName("a listing fetched for a lookup answers that lookup's miss and the misses after it")
        void lookupListingAnswersMisses() {
            assertTrue(ns.find(path("/b/.git")).isEmpty());
            assertTrue(ns.find(path("/b/.git")).isEmpty());
            assertTrue(ns.find(path("/b/a.txt")).isPresent());
            assertEquals(1, f.requests(), f.store.counts().toString());
        }

        @Test
        @DisplayName("a second listing within the TTL costs nothing")
        void cached() {
            ns.list(path("/b"));
            f.requests();
            ns.list(path("/b"));
            ns.list(path("/b"));
            assertEquals(0, f.requests());
        }

        @Test
        @DisplayName("listings carry no metadata: s3fs attributes show as defaults until a HEAD has seen that version")
        void listingsWithoutMetadata() {
            Node listed = ns.list(path("/b")).stream().filter(n -> n.name().equals("meta.txt")).findFirst().orElseThrow();
            assertEquals(0644, listed.mode(), "documented in SEMANTICS.md: ls -l shows the defaults");
        }

        @Test
        @DisplayName("metadata seen by a HEAD (head-unknown) is remembered by version and shown by later listings")
        void headThenList() throws Exception {
            try (NamespaceFixture g = new NamespaceFixture(b -> b.headUnknown(true))) {
                populate(g.fake);
                assertEquals(0755, g.ns.find(path("/b/meta.txt")).orElseThrow().mode());
                g.time.advanceMillis(TTL_MS + 1);
                Node listed = g.ns.list(path("/b")).stream().filter(n -> n.name().equals("meta.txt")).findFirst().orElseThrow();
                assertEquals(0755, listed.mode());
                assertEquals(7, listed.uid());
                assertEquals(META_MTIME, listed.mtime());
            }
        }

        @Test
        @DisplayName("a folder of 2,500 entries comes back whole, from 3 pages")
        void pagination() {
            for (int i = 0; i < 2_500; i++) {
                fake.put("empty", String.format("many/f%04d", i), new byte[0], Map.of(), null);
            }
            List<String> listed = names("/empty/many");
            assertEquals(2_500, listed.size());
            assertEquals("f0000", listed.get(0));
            assertEquals("f2499", listed.get(2_499));
            assertEquals(3, f.store.count("listPage"));
        }

        @Test
        @DisplayName("listing a missing bucket is ENOENT")
        void missingBucket() {
            FsException e = assertThrows(FsException.class, () -> ns.list(path("/nope")));
            assertEquals(Errno.ENOENT, e.errno());
        }

        @Test
        @Disabled("bug: CachedNamespace.list answers (and caches) an empty listing for a missing folder or a file, "
                + "where Namespace.list promises ENOENT or ENOTDIR")
        @DisplayName("listing a missing folder is ENOENT, listing a file ENOTDIR (Namespace.list's contract)")
        void notAFolder() {
            assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> ns.list(path("/b/missing"))).errno());
            assertEquals(Errno.ENOTDIR, assertThrows(FsException.class, () -> ns.list(path("/b/a.txt"))).errno());
        }
    }

    @Nested
    @DisplayName("negative cache")
    class Negative {
        @Test
        @DisplayName("100 lookups of a missing name cost at most one HEAD and one LIST within the TTL")
        void burst() {
            for (int i = 0; i < 100; i++) {
                assertTrue(ns.find(path("/b/.git")).isEmpty());
                advance(10);
            }
            assertTrue(f.store.count("head") <= 1, f.store.counts().toString());
            assertTrue(f.store.count("listPage") <= 1, f.store.counts().toString());
            assertTrue(f.store.total() <= 2, f.store.counts().toString());
        }

        @Test
        @DisplayName("after the negative TTL a name created by another client shows up")
        void expires() {
            assertTrue(ns.find(path("/b/later")).isEmpty());
            fake.with("b", "later", "now it exists");
            advance(TTL_MS - 1);
            assertTrue(ns.find(path("/b/later")).isEmpty(), "still trusted within the TTL");
            advance(2);
            assertEquals(NodeType.FILE, node("/b/later").type());
        }

        @Test
        @DisplayName("the negative TTL is its own setting")
        void ownTtl() throws Exception {
            try (NamespaceFixture g = new NamespaceFixture(Duration.ofSeconds(10), Duration.ofMillis(300))) {
                populate(g.fake);
                assertTrue(g.ns.find(path("/b/later")).isEmpty());
                assertEquals(NodeType.FILE, g.type("/b/a.txt"));
                g.fake.with("b", "later", "x");
                g.fake.delete("b", "a.txt");
                g.time.advanceMillis(301);
                assertEquals(NodeType.FILE, g.type("/b/later"), "absence expired after 300 ms");
                assertEquals(NodeType.FILE, g.type("/b/a.txt"), "presence still trusted for 10 s");
            }
        }
    }

    @Nested
    @DisplayName("expiry")
    class Expiry {
        @Test
        @DisplayName("a file deleted by another client is still shown within the TTL and gone after it")
        void deletedElsewhere() {
            assertTrue(ns.find(path("/b/a.txt")).isPresent());
            fake.delete("b", "a.txt");
            advance(TTL_MS - 1);
            assertTrue(ns.find(path("/b/a.txt")).isPresent());
            advance(2);
            assertTrue(ns.find(path("/b/a.txt")).isEmpty());
        }

        @Test
        @DisplayName("an object overwritten elsewhere shows its new size and ETag after the TTL")
        void overwrittenElsewhere() {
            Node before = node("/b/a.txt");
            fake.with("b", "a.txt", "a longer body");
            advance(TTL_MS + 1);
            Node after = node("/b/a.txt");
            assertEquals(13, after.size());
            assertFalse(before.etag().equals(after.etag()));
        }

        @Test
        @DisplayName("a listing is refetched after the TTL, with what other clients changed")
        void listingRefetched() {
            names("/b");
            fake.with("b", "new.txt", "x");
            fake.delete("b", "a.txt");
            advance(TTL_MS - 1);
            assertEquals(List.of("a.txt", "dir", "implicit", "link", "meta.txt", "same"), names("/b"));
            f.requests();
            advance(2);
            assertEquals(List.of("dir", "implicit", "link", "meta.txt", "new.txt", "same"), names("/b"));
            assertEquals(1, f.store.count("listPage"));
        }

        @Test
        @DisplayName("TTL 0 asks the store on every lookup and listing")
        void zeroTtl() throws Exception {
            try (NamespaceFixture g = new NamespaceFixture(Duration.ZERO, Duration.ZERO)) {
                populate(g.fake);
                g.requests();
                for (String p : List.of("/b/a.txt", "/b/a.txt", "/b/missing", "/b/missing")) {
                    g.ns.find(path(p));
                    assertTrue(g.requests() > 0, p);
                }
                g.ns.list(path("/b"));
                g.ns.list(path("/b"));
                assertEquals(2, g.store.count("listPage"));
                g.fake.delete("b", "a.txt");
                assertTrue(g.ns.find(path("/b/a.txt")).isEmpty(), "seen at once");
            }
        }

        @Test
        @DisplayName("an answer taken from a listing never outlives the listing")
        void derivedAnswersExpireWithTheListing() {
            names("/b");                        // t=0: the listing says "later" does not exist
            advance(500);
            fake.with("b", "later", "x");       // t=0.5 s: another client creates it
            advance(1_400);
            ns.find(path("/b/later"));          // t=1.9 s: either answer is fine within the TTL
            advance(800);                       // t=2.7 s: 2.2 s after the change, 2.7 s after the listing
            assertTrue(ns.find(path("/b/later")).isPresent(), "nothing about /b may be older than the TTL");
        }

        @Test
        @DisplayName("a name missing from an older listing is asked for alone, so a file another client just wrote shows")
        void missFromOlderListing() {
            names("/b");
            advance(500);
            fake.with("b", "fresh", "x");
            f.requests();
            assertTrue(ns.find(path("/b/fresh")).isPresent());
            assertTrue(f.requests() <= 2);
        }
    }

    @Nested
    @DisplayName("created and removed: local changes")
    class LocalChanges {
        private Node fileNode(String name, long size) {
            return new Node(name, NodeType.FILE, size, f.time.now(), 0640, UID, GID, "etag-" + name);
        }

        @Test
        @DisplayName("created patches the cached parent listing and the node cache: no request")
        void createdPatches() {
            names("/b");
            f.requests();
            ns.created(path("/b/new.txt"), fileNode("new.txt", 3));
            assertTrue(names("/b").contains("new.txt"));
            assertEquals(3, node("/b/new.txt").size());
            assertEquals(0, f.requests());
        }

        @Test
        @DisplayName("created replaces what was known, e.g. a negative entry")
        void createdReplacesAbsence() {
            assertTrue(ns.find(path("/b/new.txt")).isEmpty());
            ns.created(path("/b/new.txt"), fileNode("new.txt", 3));
            assertEquals(3, node("/b/new.txt").size());
        }

        @Test
        @DisplayName("created does not extend the parent listing's TTL")
        void createdKeepsTtl() {
            names("/b");                         // fetched at t=0
            advance(1_500);
            fake.with("b", "new.txt", "abc");
            ns.created(path("/b/new.txt"), fileNode("new.txt", 3));
            fake.with("b", "elsewhere.txt", "x"); // another client, after our change
            f.requests();
            advance(600);                        // t=2.1 s: the listing from t=0 is stale now
            List<String> listed = names("/b");
            assertEquals(1, f.store.count("listPage"), "refetched: patching did not make it younger");
            assertTrue(listed.contains("elsewhere.txt"));
            assertTrue(listed.contains("new.txt"));
        }

        @Test
        @DisplayName("created without a cached parent listing fetches nothing")
        void createdWithoutListing() {
            ns.created(path("/b/new.txt"), fileNode("new.txt", 3));
            assertEquals(0, f.requests());
        }

        @Test
        @DisplayName("removed patches the listing and remembers the absence: no request")
        void removedPatches() {
            names("/b");
            fake.delete("b", "a.txt");
            f.requests();
            ns.removed(path("/b/a.txt"));
            assertFalse(names("/b").contains("a.txt"));
            assertTrue(ns.find(path("/b/a.txt")).isEmpty());
            assertEquals(0, f.requests());
        }

        @Test
        @DisplayName("removed does not extend the listing's TTL either")
        void removedKeepsTtl() {
            names("/b");
            advance(1_500);
            fake.delete("b", "a.txt");
            ns.removed(path("/b/a.txt"));
            fake.with("b", "elsewhere.txt", "x");
            advance(600);
            assertTrue(names("/b").contains("elsewhere.txt"));
        }

        @Test
        @DisplayName("removing a folder forgets what was cached below it")
        void removedForgetsBelow() {
            names("/b/dir");
            assertTrue(ns.find(path("/b/dir/x")).isPresent());
            f.requests();
            ns.removed(path("/b/dir"));
            assertTrue(ns.find(path("/b/dir")).isEmpty());
            ns.find(path("/b/dir/x"));
            assertTrue(f.requests() > 0, "the entries below were forgotten, not served from the old listing");
        }

        @Test
        @DisplayName("invalidate forgets the path, what is below it and the parent's listing")
        void invalidate() {
            names("/b");
            names("/b/dir");
            f.requests();
            ns.invalidate(path("/b/dir"));
            names("/b");
            assertEquals(1, f.store.count("listPage"), "parent listing refetched");
            names("/b/dir");
            assertEquals(2, f.store.count("listPage"), "own listing refetched");
        }

        @Test
        @DisplayName("the mode of a folder made here (mkdir -m 700) survives the TTL")
        void mkdirModeSurvives() {
            FsPath d = path("/b/private");
            ObjectInfo marker = f.store.put("b", d.markerKey(), new byte[0],
                    PosixMetadata.of(Map.of(), NodeType.DIRECTORY, 0700, UID, GID, f.time.now()), "application/x-directory");
            ns.created(d, new Node("private", NodeType.DIRECTORY, 0, f.time.now(), 0700, UID, GID, marker.etag()));
            assertEquals(0700, node("/b/private").mode());
            advance(TTL_MS + 1);
            assertEquals(0700, node("/b/private").mode(), "after the TTL");
            assertEquals(0700, ns.list(path("/b")).stream().filter(n -> n.name().equals("private")).findFirst().orElseThrow().mode());
        }

        @Test
        @DisplayName("the attributes of a file written here survive the TTL (remembered by version)")
        void fileModeSurvives() {
            FsPath p = path("/b/script.sh");
            ObjectInfo put = f.store.put("b", p.key(), bytes("#!"),
                    PosixMetadata.of(Map.of(), NodeType.FILE, 0750, 7, 8, META_MTIME), "text/x-sh");
            ns.created(p, new Node("script.sh", NodeType.FILE, 2, META_MTIME, 0750, 7, 8, put.etag()));
            advance(TTL_MS + 1);
            Node again = node("/b/script.sh");
            assertEquals(0750, again.mode());
            assertEquals(7, again.uid());
            assertEquals(META_MTIME, again.mtime());
        }

        @Test
        @DisplayName("a folder node with an ETag marks the cached listing of that folder as having a marker")
        void createdMarker() {
            names("/b/implicit");
            assertEquals(new FolderState(false, false), ns.folderState(path("/b/implicit")));
            ObjectInfo marker = fake.put("b", "implicit/", new byte[0], Map.of(), "application/x-directory");
            ns.created(path("/b/implicit"), ns.folderNode(path("/b/implicit"), f.time.now()).withEtag(marker.etag()));
            assertEquals(new FolderState(false, true), ns.folderState(path("/b/implicit")));
        }
    }

    @Nested
    @DisplayName("keepFolder")
    class KeepFolder {
        private void unlinkLocally(String p) {
            FsPath path = path(p);
            f.store.delete(path.bucket(), path.key());
            ns.removed(path);
            ns.keepFolder(path.parent());
        }

        @Test
        @DisplayName("an implicit folder that became empty gets its marker, with folder metadata")
        void implicitEmptied() {
            unlinkLocally("/b/implicit/z");
            assertEquals(1, f.store.count("put"));
            FakeObjectStore.StoredObject marker = fake.object("b", "implicit/").orElseThrow();
            assertEquals("application/x-directory", marker.contentType());
            assertEquals(0, marker.body().length);
            assertEquals(Integer.toString(040755), marker.metadata().get("mode"));
            assertEquals(Integer.toString(UID), marker.metadata().get("uid"));
            assertEquals(NodeType.DIRECTORY, node("/b/implicit").type());
            assertEquals(new FolderState(true, true), ns.folderState(path("/b/implicit")));
            assertEquals(List.of(), names("/b/implicit"));
            assertTrue(names("/b").contains("implicit"));
        }

        @Test
        @DisplayName("with the folder's listing cached, deciding costs no LIST")
        void fromCachedListing() {
            names("/b/implicit");
            f.requests();
            unlinkLocally("/b/implicit/z");
            assertEquals(0, f.store.count("listPage"));
            assertTrue(fake.object("b", "implicit/").isPresent());
        }

        @Test
        @DisplayName("without it, one LIST decides (SEMANTICS.md: rm is a DELETE, a LIST and maybe a PUT)")
        void withoutCachedListing() {
            unlinkLocally("/b/implicit/z");
            assertEquals(1, f.store.count("delete"));
            assertEquals(1, f.store.count("listPage"));
            assertEquals(1, f.store.count("put"));
            assertEquals(3, f.store.total());
        }

        @Test
        @DisplayName("a folder that still has entries gets no marker")
        void notEmpty() {
            fake.with("b", "implicit/other", "x");
            unlinkLocally("/b/implicit/z");
            assertEquals(0, f.store.count("put"));
            assertTrue(fake.object("b", "implicit/").isEmpty());
        }

        @Test
        @DisplayName("a folder that has a marker already gets no second one")
        void hasMarker() {
            fake.with("b", "kept/", "");
            fake.with("b", "kept/only", "x");
            unlinkLocally("/b/kept/only");
            assertEquals(0, f.store.count("put"));
            assertEquals(new FolderState(true, true), ns.folderState(path("/b/kept")));
        }

        @Test
        @DisplayName("buckets and the root need no marker: nothing is asked or written")
        void bucketsAndRoot() {
            ns.keepFolder(path("/empty"));
            ns.keepFolder(FsPath.ROOT);
            assertEquals(0, f.requests());
        }
    }

    @Nested
    @DisplayName("folderState")
    class FolderStates {
        @Test
        @DisplayName("the root: not empty, and it needs no marker; no request")
        void root() {
            assertEquals(new FolderState(false, true), ns.folderState(FsPath.ROOT));
            assertEquals(0, f.requests());
        }

        @Test
        @DisplayName("buckets count as having a marker")
        void buckets() {
            assertEquals(new FolderState(true, true), ns.folderState(path("/empty")));
            assertEquals(new FolderState(false, true), ns.folderState(path("/b")));
        }

        @Test
        @DisplayName("marker folders and implicit folders")
        void folders() {
            assertEquals(new FolderState(false, true), ns.folderState(path("/b/dir")));
            assertEquals(new FolderState(false, false), ns.folderState(path("/b/implicit")));
            assertEquals(new FolderState(false, false), ns.folderState(path("/b/dir/sub")));
            fake.with("b", "only-marker/", "");
            assertEquals(new FolderState(true, true), ns.folderState(path("/b/only-marker")));
        }

        @Test
        @DisplayName("a marker and one more entry are found in one small page")
        void oneSmallPage() {
            ns.folderState(path("/b/dir"));
            assertEquals(1, f.store.count("listPage"));
        }

        @Test
        @DisplayName("from a cached listing it costs nothing and agrees with the store")
        void cachedAgrees() {
            for (String folder : List.of("/b", "/empty", "/b/dir", "/b/implicit", "/b/dir/sub", "/b/same")) {
                FolderState fromStore = ns.folderState(path(folder));
                names(folder);
                f.requests();
                assertEquals(fromStore, ns.folderState(path(folder)), folder);
                assertEquals(0, f.requests(), folder);
            }
        }

        @Test
        @DisplayName("a child with unsaved data makes a folder non-empty")
        void unsavedChild() {
            fake.with("b", "only-marker/", "");
            f.handles.register(new FakeOpenFile(path("/b/only-marker/new"),
                    new Node("new", NodeType.FILE, 0, f.time.now(), 0644, UID, GID, null)));
            assertEquals(new FolderState(false, true), ns.folderState(path("/b/only-marker")));
            names("/b/only-marker");
            assertEquals(new FolderState(false, true), ns.folderState(path("/b/only-marker")), "from the cached listing too");
        }
    }

    @Nested
    @DisplayName("open files with unsaved data")
    class OpenFiles {
        private Node unsaved(String name, long size) {
            return new Node(name, NodeType.FILE, size, f.time.now(), 0600, UID, GID, null);
        }

        @Test
        @DisplayName("a new file being written is found, with its local size, without a request")
        void newFileFound() {
            f.handles.register(new FakeOpenFile(path("/b/draft.txt"), unsaved("draft.txt", 42)));
            assertEquals(42, node("/b/draft.txt").size());
            assertEquals(0, f.requests());
        }

        @Test
        @DisplayName("a new file being written is listed")
        void newFileListed() {
            f.handles.register(new FakeOpenFile(path("/b/draft.txt"), unsaved("draft.txt", 42)));
            List<Node> listed = ns.list(path("/b"));
            assertEquals(1, listed.stream().filter(n -> n.name().equals("draft.txt")).count());
            assertEquals(42, listed.stream().filter(n -> n.name().equals("draft.txt")).findFirst().orElseThrow().size());
        }

        @Test
        @DisplayName("a new file open through two handles is listed once")
        void newFileListedOnce() {
            f.handles.register(new FakeOpenFile(path("/b/draft.txt"), unsaved("draft.txt", 42)));
            f.handles.register(new FakeOpenFile(path("/b/draft.txt"), unsaved("draft.txt", 42)));
            assertEquals(1, names("/b").stream().filter("draft.txt"::equals).count(), names("/b").toString());
        }

        @Test
        @DisplayName("unsaved data wins over the cached node of an existing file")
        void existingFileFound() {
            assertEquals(5, node("/b/a.txt").size());
            f.handles.register(new FakeOpenFile(path("/b/a.txt"), unsaved("a.txt", 1_000)));
            assertEquals(1_000, node("/b/a.txt").size());
        }

        @Test
        @DisplayName("an existing file being rewritten is listed with its local size, as stat shows it")
        void existingFileListed() {
            f.handles.register(new FakeOpenFile(path("/b/a.txt"), unsaved("a.txt", 1_000)));
            Node listed = ns.list(path("/b")).stream().filter(n -> n.name().equals("a.txt")).findFirst().orElseThrow();
            assertEquals(node("/b/a.txt"), listed);
        }

        @Test
        @DisplayName("a handle without unsaved data changes nothing")
        void cleanHandle() {
            f.handles.register(FakeOpenFile.clean(path("/b/ghost")));
            assertTrue(ns.find(path("/b/ghost")).isEmpty());
            assertFalse(names("/b").contains("ghost"));
        }

        @Test
        @DisplayName("once the handle is gone, so is the file that was never saved")
        void released() {
            long h = f.handles.register(new FakeOpenFile(path("/b/draft.txt"), unsaved("draft.txt", 1)));
            assertTrue(ns.find(path("/b/draft.txt")).isPresent());
            f.handles.remove(h);
            assertTrue(ns.find(path("/b/draft.txt")).isEmpty());
            assertFalse(names("/b").contains("draft.txt"));
        }
    }

    @Nested
    @DisplayName("failures")
    class Failures {
        @Test
        @DisplayName("a failing request fails the lookup and caches nothing")
        void lookupFails() {
            fake.failOn("head", "", Errno.EIO).failOn("listPage", "", Errno.EIO);
            assertEquals(Errno.EIO, assertThrows(FsException.class, () -> ns.find(path("/b/a.txt"))).errno());
            fake.clearFailures();
            assertEquals(NodeType.FILE, node("/b/a.txt").type());
        }

        @Test
        @DisplayName("a failing HEAD in a large folder fails the lookup and caches nothing")
        void headFails() {
            for (int i = 0; i < 1_001; i++) {
                fake.put("empty", String.format("big/f%04d", i), new byte[0], Map.of(), null);
            }
            fake.failOn("head", "big/f1000", Errno.EIO);
            assertEquals(Errno.EIO, assertThrows(FsException.class, () -> ns.find(path("/empty/big/f1000"))).errno());
            fake.clearFailures();
            assertEquals(NodeType.FILE, node("/empty/big/f1000").type());
        }

        @Test
        @DisplayName("a failing listing fails list and caches nothing")
        void listFails() {
            fake.failOn("listPage", "", Errno.EACCES);
            assertEquals(Errno.EACCES, assertThrows(FsException.class, () -> ns.list(path("/b"))).errno());
            fake.clearFailures();
            assertEquals(6, names("/b").size());
        }

        @Test
        @DisplayName("an object with an out-of-range mtime is found, dated by Last-Modified, and its folder still lists")
        void outOfRangeMtime() throws Exception {
            try (NamespaceFixture g = new NamespaceFixture(b -> b.headUnknown(true))) {
                g.fake.createBucket("b");
                g.fake.put("b", "future", bytes("x"), Map.of("mtime", "1e30"), null);
                try {
                    assertEquals(ManualTime.START, g.ns.find(path("/b/future")).orElseThrow().mtime());
                } finally {
                    g.time.advanceMillis(TTL_MS + 1);
                    assertEquals(List.of("future"), g.names("/b"), "the folder lists after the lookup");
                }
            }
        }
    }

    @Nested
    @DisplayName("nodeOf and folderNode: defaults from the mount options")
    class Defaults {
        @Test
        @DisplayName("umask 027 gives files 0640 and folders 0750; uid and gid from the options")
        void umask() throws Exception {
            try (NamespaceFixture g = new NamespaceFixture(b -> b.options(new MountOptions(5, 6, 0027, false)))) {
                ObjectInfo plain = new ObjectInfo("k", 1, Instant.EPOCH, "e", null, null);
                Node n = g.ns.nodeOf(path("/b/k"), plain);
                assertEquals(0640, n.mode());
                assertEquals(5, n.uid());
                assertEquals(6, n.gid());
                assertEquals(0750, g.ns.folderNode(path("/b/d"), Instant.EPOCH).mode());
            }
        }

        @Test
        @DisplayName("garbage metadata falls back to the defaults")
        void garbage() {
            ObjectInfo o = new ObjectInfo("k", 1, Instant.EPOCH, "e2",
                    Map.of("mode", "rwx", "uid", "me", "gid", "", "mtime", "yesterday"), null);
            Node n = ns.nodeOf(path("/b/k"), o);
            assertEquals(new Node("k", NodeType.FILE, 1, Instant.EPOCH, 0644, UID, GID, "e2"), n);
        }

        @Test
        @DisplayName("a symlink keeps the permission bits stored with it")
        void symlinkModes() {
            ObjectInfo withBits = new ObjectInfo("l", 1, Instant.EPOCH, "e3",
                    Map.of("mode", Integer.toString(PosixMetadata.S_IFLNK | 0755)), null);
            assertEquals(0755, ns.nodeOf(path("/b/l"), withBits).mode());
        }
    }
}
