package io.localstackmount.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime records of {@code status} and {@code unmount}: where they live, that a record of a
 * process that is gone is dropped, and what {@code status} shows of the live counts.
 */
class MountRecordsTest {
    @TempDir
    Path home;

    @Test
    @DisplayName("XDG_RUNTIME_DIR when there is one, else the state folder")
    void folder() {
        assertEquals(home.resolve(".local/state/localstackmount/mounts"), MountRecords.folder(Map.of(), home));
        assertEquals(Path.of("/st/localstackmount/mounts"), MountRecords.folder(Map.of("XDG_STATE_HOME", "/st"), home));
        assertEquals(home.resolve("localstackmount"), MountRecords.folder(Map.of("XDG_RUNTIME_DIR", home.toString()), home));
    }

    @Test
    @DisplayName("a record of a running process is listed, one of a process that is gone (or a reused pid) is removed; the folder is private")
    void staleRecords() throws Exception {
        MountRecords records = MountRecords.of(Map.of(), home);
        long me = ProcessHandle.current().pid();
        records.write(me, Map.of("pid", Long.toString(me), "mount-point", "/mnt/a"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        records.write(gone.pid(), Map.of("pid", Long.toString(gone.pid()), "mount-point", "/mnt/b"));
        assertEquals(1, records.running().size());
        assertEquals(Path.of("/mnt/a"), records.running().get(0).mountPoint());
        assertFalse(Files.exists(records.folder().resolve(gone.pid() + MountRecords.SUFFIX)), "the stale record was removed");
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(records.folder())));
        assertTrue(records.at(Path.of("/mnt/a")).isPresent());
        records.remove(me);
        assertTrue(records.running().isEmpty());
        records.write(me, Map.of("pid", Long.toString(me), "mount-point", "/mnt/a", "started", "2000-01-01T00:00:00Z"));
        assertTrue(records.running().isEmpty(), "the pid runs, but it is another process than the one that wrote the record");
    }

    @Test
    @DisplayName("status shows requests by kind, the cache hit rate and uploads in flight with their progress")
    void status() throws Exception {
        MountRecords records = MountRecords.of(Map.of(), home);
        long me = ProcessHandle.current().pid();
        Map<String, String> r = new LinkedHashMap<>();
        r.put("pid", Long.toString(me));
        r.put("mount-point", "/mnt/a");
        r.put("endpoint", "http://localhost:4566 (us-east-1)");
        r.put("started", ProcessHandle.current().info().startInstant().orElseThrow().toString());
        r.put("requests", "12");
        r.put("requests.head", "4");
        r.put("requests.listPage", "8");
        r.put("bytes-read", "3145728");
        r.put("not-modified", "2");
        r.put("cache.hits", "3");
        r.put("cache.misses", "1");
        r.put("cache.blocks", "4");
        r.put("cache.bytes", "4194304");
        r.put("uploads", "2");
        r.put("upload.1", "s3://b/big.bin 268435456 1073741824 " + Instant.now().minusSeconds(30));
        r.put("upload.2", "s3://b/stream.log 8388608 -1 " + Instant.now().minusSeconds(5));
        records.write(me, r);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, StatusCommand.run(records, null, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("pid       " + me + ", for "), out);
        assertTrue(out.contains("12 (head 4, listPage 8), 2 answered 304, 3.0 MiB read"), out);
        assertTrue(out.contains("75% hits (3 of 4 blocks)"), out);
        assertTrue(out.contains("s3://b/big.bin: 256 MiB of 1.0 GiB (25%)"), out);
        assertTrue(out.contains("s3://b/stream.log: 8.0 MiB sent, file still being written"), out);
        assertEquals(1, StatusCommand.run(records, Path.of("/mnt/other"), new PrintStream(new ByteArrayOutputStream())));
        records.remove(me);
    }
}
