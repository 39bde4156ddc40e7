package io.localstackmount.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.GetResult;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.Precondition;
import io.localstackmount.core.CountingObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decorator under every mount: counts requests by operation, bytes read and 304s, changes nothing. */
class CountingObjectStoreTest {
    private final FakeObjectStore fake = new FakeObjectStore().withBuckets("b");
    private final CountingObjectStore store = new CountingObjectStore(fake);

    @TempDir
    Path tmp;

    @Test
    @DisplayName("each request counts once under its operation name; a listing counts its pages")
    void counts() {
        store.put("b", "k", new byte[10], Map.of(), null);
        store.head("b", "k");
        store.head("b", "missing");
        for (int i = 0; i < 1_001; i++) {
            fake.put("b", "many/" + i, new byte[0], Map.of(), null);
        }
        store.list("b", "many/");
        assertEquals(1, store.count("put"));
        assertEquals(2, store.count("head"));
        assertEquals(2, store.count("listPage"), "1,001 keys are two pages");
        assertEquals(0, store.count("delete"));
        assertEquals(5, store.total());
        assertEquals(Map.of("head", 2L, "listPage", 2L, "put", 1L), store.counts());
    }

    @Test
    @DisplayName("bytes read count what read, get and download returned; 304s are counted apart")
    void bytes() throws Exception {
        ObjectInfo put = store.put("b", "k", new byte[100], Map.of(), null);
        store.read("b", "k", 90, new byte[50], 0, 50);
        GetResult got = store.get("b", "k", Precondition.NONE, 0, new byte[30], 0, 30);
        assertEquals(30, got.length());
        GetResult notModified = store.get("b", "k", Precondition.ifNoneMatch(put.etag()), 0, new byte[30], 0, 30);
        assertTrue(!notModified.modified());
        store.download("b", "k", tmp.resolve("d"));
        assertEquals(10 + 30 + 100, store.bytesRead());
        assertEquals(1, store.notModified());
        assertEquals(2, store.count("get"));
        assertTrue(store.summary().contains("1 answered 304"), store.summary());
    }

    @Test
    @DisplayName("failed requests count too, and their exceptions pass unchanged")
    void failures() {
        fake.failOn("delete", "", Errno.EACCES);
        FsException e = assertThrows(FsException.class, () -> store.delete("b", "k"));
        assertEquals(Errno.EACCES, e.errno());
        assertEquals(1, store.count("delete"));
    }

    @Test
    @DisplayName("reset starts from zero; describe and close go to the store")
    void resetAndClose() throws Exception {
        store.put("b", "k", new byte[1], Map.of(), null);
        store.read("b", "k", 0, new byte[1], 0, 1);
        store.reset();
        assertEquals(0, store.total());
        assertEquals(0, store.bytesRead());
        assertEquals(Map.of(), store.counts());
        assertEquals(fake.describe(), store.describe());
        Files.writeString(tmp.resolve("up"), "abc");
        assertEquals(3, store.upload("b", "u", tmp.resolve("up"), Map.of(), null).size());
        assertEquals(1, store.count("upload"));
        store.close();
        assertTrue(fake.isClosed());
    }
}
