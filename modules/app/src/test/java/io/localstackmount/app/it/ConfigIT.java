package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration on real mounts made by the real command (a child JVM): a prefix mount and a bucket
 * filter chosen in config files, and which file, variable or flag wins.
 *
 * <pre>
 *   S3 (S3Proxy in-process)                  tmp/project/.localstackmount.properties
 *     data/exports/a.csv                       s3.endpoint = ..., per test: mount.bucket ...
 *     data/exports/2024/b.csv                tmp/home/.config/localstackmount/config.properties
 *     data/other.txt                           the user file, where a test writes one
 *     logs/x.log
 *     app-1/, app-2/
 * </pre>
 */
class ConfigIT {
    @TempDir
    static Path tmp;
    private static S3ProxyServer server;
    private static S3ObjectStore s3;

    @BeforeAll
    static void seed() {
        server = S3ProxyServer.start();
        s3 = server.newStore();
        for (String b : List.of("data", "logs", "app-1", "app-2")) {
            s3.createBucket(b);
        }
        for (String key : List.of("exports/a.csv", "exports/2024/b.csv", "other.txt")) {
            s3.put("data", key, ("body of " + key).getBytes(UTF_8), Map.of(), "text/csv");
        }
        s3.put("logs", "x.log", "log".getBytes(UTF_8), Map.of(), "text/plain");
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    private static Path project(Path dir, String... lines) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(".localstackmount.properties"),
                "s3.endpoint = " + server.endpoint() + "\n" + String.join("\n", lines) + "\n");
        return dir;
    }

    private static List<String> ls(Path dir) {
        return List.of(MountFixture.run(dir, "ls", "-1A").strip().split("\n"));
    }

    @Test
    @DisplayName("mount.bucket = data/exports: one folder, the prefix's content, writes land under the prefix")
    void prefixMount(@TempDir Path t) throws Exception {
        Path project = project(t.resolve("project"), "mount.bucket = data/exports", "metadata.ttl = 0");
        Path mnt = t.resolve("mnt");
        try (AppProcess app = AppProcess.mount(project, Files.createDirectories(t.resolve("home")), mnt)) {
            assertEquals(List.of("data"), ls(mnt));
            Path data = mnt.resolve("data");
            assertEquals(List.of("2024", "a.csv"), ls(data));
            assertEquals("body of exports/a.csv", Files.readString(data.resolve("a.csv")));
            assertEquals("body of exports/2024/b.csv", Files.readString(data.resolve("2024/b.csv")));

            Files.writeString(data.resolve("new.csv"), "written");
            assertTrue(s3.head("data", "exports/new.csv").isPresent());
            MountFixture.run(data, "mv", "new.csv", "renamed.csv");
            assertTrue(s3.head("data", "exports/renamed.csv").isPresent());
            assertFalse(s3.head("data", "exports/new.csv").isPresent());
            Files.delete(data.resolve("renamed.csv"));
            assertFalse(s3.head("data", "exports/renamed.csv").isPresent());

            MountFixture.Result mkdir = MountFixture.runAllowingFailure(mnt, "mkdir", "another-bucket");
            assertNotEquals(0, mkdir.exitCode());
            assertTrue(mkdir.output().contains("Operation not permitted"), mkdir.output());
            assertFalse(s3.bucketExists("another-bucket"));
            assertTrue(app.output().contains("s3://data/exports/"), app.output());
        }
        assertTrue(s3.head("data", "other.txt").isPresent(), "keys outside the prefix are untouched");
    }

    @Test
    @DisplayName("mount.bucket-filter = app-* (--set): only matching buckets; a new one must match")
    @SuppressWarnings("try") // the process is the mount: held open by the try, used through the folder
    void bucketFilter(@TempDir Path t) throws Exception {
        Path project = project(t.resolve("project"));
        Path mnt = t.resolve("mnt");
        try (AppProcess app = AppProcess.mount(project, Files.createDirectories(t.resolve("home")), mnt,
                "--set", "mount.bucket-filter=app-*")) {
            assertEquals(List.of("app-1", "app-2"), ls(mnt));
            Files.createDirectory(mnt.resolve("app-3"));
            assertTrue(s3.bucketExists("app-3"));
            MountFixture.Result mkdir = MountFixture.runAllowingFailure(mnt, "mkdir", "zzz");
            assertNotEquals(0, mkdir.exitCode());
            assertTrue(mkdir.output().contains("Operation not permitted"), mkdir.output());
            assertFalse(Files.exists(mnt.resolve("data")));
            Files.delete(mnt.resolve("app-3"));
        }
        assertFalse(s3.bucketExists("app-3"));
    }

    @Test
    @DisplayName("plugins.rename.enabled = false: rename(2) is EXDEV and mv copies; plugins.xattr.enabled = false: ENOTSUP")
    @SuppressWarnings("try") // the process is the mount: held open by the try, used through the folder
    void disabledGroups(@TempDir Path t) throws Exception {
        Path project = project(t.resolve("project"), "mount.bucket = logs", "plugins.rename.enabled = false",
                "plugins.xattr.enabled = false");
        Path mnt = t.resolve("mnt");
        try (AppProcess app = AppProcess.mount(project, Files.createDirectories(t.resolve("home")), mnt)) {
            Path logs = mnt.resolve("logs");
            Files.writeString(logs.resolve("a.txt"), "a");
            MountFixture.Result rename = MountFixture.runAllowingFailure(logs, "python3", "-c",
                    "import os\ntry:\n os.rename('a.txt', 'b.txt')\nexcept OSError as e:\n print('errno', e.errno)");
            assertTrue(rename.output().contains("errno 18"), "EXDEV is 18: " + rename.output());
            MountFixture.run(logs, "mv", "a.txt", "b.txt");
            assertEquals("a", Files.readString(logs.resolve("b.txt")));
            assertFalse(s3.head("logs", "a.txt").isPresent());
            MountFixture.Result getfattr = MountFixture.runAllowingFailure(logs, "getfattr", "-n", "user.x", "b.txt");
            assertTrue(getfattr.output().contains("Operation not supported"), getfattr.output());
            Files.delete(logs.resolve("b.txt"));
        }
    }

    @Test
    @DisplayName("flag > LOCALSTACKMOUNT_ variable > project file > user file, as --print-config reports")
    void precedence(@TempDir Path t) throws Exception {
        Path home = Files.createDirectories(t.resolve("home"));
        Path userConfig = Files.createDirectories(home.resolve(".config/localstackmount"));
        Files.writeString(userConfig.resolve("config.properties"), "mount.bucket = logs\nmount.umask = 077\nmount.uid = 4242\n");
        Path project = project(t.resolve("project"), "mount.bucket = data/exports", "mount.umask = 027");
        Path sub = Files.createDirectories(project.resolve("sub"));

        MountFixture.Result r = AppProcess.run(sub, home, "--print-config");
        assertEquals(0, r.exitCode(), r.output());
        String out = r.output();
        // Each value follows a comment line naming where it came from, so the output reads back as a config file.
        assertTrue(out.contains("# " + project.resolve(".localstackmount.properties") + ":2\nmount.bucket = data/exports/\n"), out);
        assertTrue(out.contains("# " + project.resolve(".localstackmount.properties") + ":3\nmount.umask = 027\n"), out);
        assertTrue(out.matches("(?s).*# [^\n]*config\\.properties:3\nmount\\.uid = 4242\n.*"), out);

        r = AppProcess.run(sub, home, "--print-config", "--bucket", "app-1");
        assertTrue(r.output().matches("(?s).*# --bucket[^\n]*\nmount\\.bucket = app-1/?\n.*"), r.output());
    }

    @Test
    @DisplayName("an unknown key in the project file stops the start with the file, line and the closest key")
    void unknownKey(@TempDir Path t) throws Exception {
        Path project = project(t.resolve("project"), "mount.read_only = true");
        MountFixture.Result r = AppProcess.run(project, Files.createDirectories(t.resolve("home")), t.resolve("mnt").toString());
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("unknown configuration key 'mount.read_only' (" + project.resolve(".localstackmount.properties")
                + ":2); did you mean 'mount.read-only'?"), r.output());
        assertFalse(io.localstackmount.fuse.FuseMount.isMounted(t.resolve("mnt")));
    }
}
