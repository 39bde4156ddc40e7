package io.localstackmount.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.OpenFile;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The one owner of handle numbers. Open files in these tests:
 * <pre>
 * /b
 * ├── d/
 * │   ├── x            two handles
 * │   └── sub/
 * │       └── y
 * ├── dx               a sibling sharing the prefix "d"
 * └── top
 * /c
 * └── other
 * </pre>
 */
class HandleTableTest {
    private final HandleTable table = new HandleTable();

    /** An open file of another kind, to check typed lookups. */
    private static final class OtherFile extends FakeOpenFile {
        OtherFile(FsPath path) {
            super(path, null);
        }
    }

    private static FsPath p(String s) {
        return FsPath.parse(s);
    }

    private FakeOpenFile open(String path) {
        FakeOpenFile f = FakeOpenFile.clean(p(path));
        table.register(f);
        return f;
    }

    private static Set<String> paths(List<OpenFile> files) {
        return files.stream().map(f -> f.path().toString()).collect(Collectors.toSet());
    }

    @Nested
    @DisplayName("register, get, remove")
    class Lifecycle {
        @Test
        @DisplayName("handles are distinct, positive and never 0 (0 means 'no handle' to truncate)")
        void distinct() {
            Set<Long> handles = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                long h = table.register(FakeOpenFile.clean(p("/b/f" + i)));
                assertTrue(h > 0);
                assertTrue(handles.add(h));
            }
            assertEquals(100, table.size());
        }

        @Test
        @DisplayName("get returns the file registered under the handle, typed")
        void get() {
            FakeOpenFile f = FakeOpenFile.clean(p("/b/f"));
            long h = table.register(f);
            assertSame(f, table.get(h, FakeOpenFile.class));
            assertSame(f, table.get(h, OpenFile.class));
        }

        @Test
        @DisplayName("get with the wrong type is EBADF")
        void wrongType() {
            long h = table.register(FakeOpenFile.clean(p("/b/f")));
            FsException e = assertThrows(FsException.class, () -> table.get(h, OtherFile.class));
            assertEquals(Errno.EBADF, e.errno());
        }

        @Test
        @DisplayName("get of an unknown handle is EBADF")
        void unknown() {
            assertEquals(Errno.EBADF, assertThrows(FsException.class, () -> table.get(42, OpenFile.class)).errno());
            assertEquals(Errno.EBADF, assertThrows(FsException.class, () -> table.get(0, OpenFile.class)).errno());
        }

        @Test
        @DisplayName("remove returns the file once; then the handle is EBADF everywhere")
        void remove() {
            FakeOpenFile f = FakeOpenFile.clean(p("/b/f"));
            long h = table.register(f);
            assertSame(f, table.remove(h));
            assertEquals(Errno.EBADF, assertThrows(FsException.class, () -> table.remove(h)).errno());
            assertEquals(Errno.EBADF, assertThrows(FsException.class, () -> table.get(h, OpenFile.class)).errno());
            assertEquals(0, table.size());
        }

        @Test
        @DisplayName("a handle is not reused after remove")
        void notReused() {
            long h = table.register(FakeOpenFile.clean(p("/b/f")));
            table.remove(h);
            assertNotEquals(h, table.register(FakeOpenFile.clean(p("/b/f"))));
        }

        @Test
        @DisplayName("registering from many threads gives distinct handles")
        void concurrent() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                Set<Long> handles = ConcurrentHashMap.newKeySet();
                List<Future<?>> futures = new java.util.ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    int n = i;
                    futures.add(pool.submit(() -> handles.add(table.register(FakeOpenFile.clean(p("/b/f" + n))))));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
                assertEquals(2_000, handles.size());
                assertEquals(2_000, table.size());
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @DisplayName("discardAll discards and forgets every open file")
        void discardAll() {
            FakeOpenFile a = open("/b/a");
            FakeOpenFile b = open("/b/b");
            table.discardAll();
            assertTrue(a.discarded());
            assertTrue(b.discarded());
            assertEquals(0, table.size());
        }
    }

    @Nested
    @DisplayName("openAt and openIn")
    class Queries {
        @Test
        @DisplayName("openAt finds every handle on exactly that path")
        void openAt() {
            open("/b/d/x");
            open("/b/d/x");
            open("/b/dx");
            assertEquals(2, table.openAt(p("/b/d/x")).size());
            assertEquals(1, table.openAt(p("/b/dx")).size());
            assertEquals(0, table.openAt(p("/b/d")).size());
        }

        @Test
        @DisplayName("openIn finds direct children only, not deeper ones nor prefix siblings")
        void openIn() {
            open("/b/d/x");
            open("/b/d/sub/y");
            open("/b/dx");
            open("/b/top");
            assertEquals(Set.of("/b/d/x"), paths(table.openIn(p("/b/d"))));
            assertEquals(Set.of("/b/d/sub/y"), paths(table.openIn(p("/b/d/sub"))));
            assertEquals(Set.of("/b/dx", "/b/top"), paths(table.openIn(p("/b"))));
            assertEquals(Set.of(), paths(table.openIn(p("/c"))));
        }
    }

    @Nested
    @DisplayName("moved")
    class Moved {
        @Test
        @DisplayName("a file moves to the new name")
        void file() {
            FakeOpenFile x = open("/b/d/x");
            table.moved(p("/b/d/x"), p("/b/renamed"));
            assertEquals(p("/b/renamed"), x.path());
            assertEquals(1, table.openAt(p("/b/renamed")).size());
            assertEquals(0, table.openAt(p("/b/d/x")).size());
        }

        @Test
        @DisplayName("a folder moves everything below it, at any depth; prefix siblings stay")
        void folder() {
            FakeOpenFile x = open("/b/d/x");
            FakeOpenFile y = open("/b/d/sub/y");
            FakeOpenFile dx = open("/b/dx");
            FakeOpenFile top = open("/b/top");
            table.moved(p("/b/d"), p("/b/e/f"));
            assertEquals(p("/b/e/f/x"), x.path());
            assertEquals(p("/b/e/f/sub/y"), y.path());
            assertEquals(p("/b/dx"), dx.path());
            assertEquals(p("/b/top"), top.path());
        }

        @Test
        @DisplayName("into another bucket, and to a bucket's root")
        void acrossBuckets() {
            FakeOpenFile x = open("/b/d/x");
            FakeOpenFile other = open("/c/other");
            table.moved(p("/b/d"), p("/c/moved"));
            assertEquals(p("/c/moved/x"), x.path());
            table.moved(p("/c"), p("/z"));
            assertEquals(p("/z/moved/x"), x.path());
            assertEquals(p("/z/other"), other.path());
        }

        @Test
        @DisplayName("moving something nobody has open changes nothing")
        void nothingOpen() {
            FakeOpenFile x = open("/b/d/x");
            table.moved(p("/b/none"), p("/b/other"));
            assertEquals(p("/b/d/x"), x.path());
        }
    }
}
