package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.app.PluginJars;
import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drop-in plugin on a real mount: the example {@code checksums} jar is built from its sources,
 * dropped into the user's plugins folder next to a broken jar, selected in the project's config
 * file, and answers getfattr through the mount the real command made (a child JVM). A project file
 * can select a plugin but never add a plugin folder.
 *
 * <pre>
 *   tmp/project/.localstackmount.properties             s3.endpoint, plugins.xattr = checksums
 *   tmp/home/.config/localstackmount/plugins/
 *       checksums.jar                                   built here with javac from plugins/example-checksums
 *       broken.jar                                      not a jar: reported and skipped
 *   tmp/home/                                           HOME and XDG folders of the child
 *   tmp/mnt/sums/hello.txt                              bucket sums, objects put through S3
 * </pre>
 */
class PluginsIT {
    @TempDir
    static Path tmp;
    private static S3ProxyServer server;
    private static S3ObjectStore s3;
    private static Path project;
    private static Path home;
    private static Path plugins;
    private static AppProcess app;
    private static Path bucket;

    @BeforeAll
    static void mount() throws Exception {
        server = S3ProxyServer.start();
        s3 = server.newStore();
        s3.createBucket("sums");
        project = Files.createDirectories(tmp.resolve("project"));
        home = Files.createDirectories(tmp.resolve("home"));
        plugins = Files.createDirectories(home.resolve(".config/localstackmount/plugins"));
        PluginJars.build(PluginJars.exampleSources(), plugins.resolve("checksums.jar"));
        Files.writeString(plugins.resolve("broken.jar"), "this is not a jar");
        Files.writeString(project.resolve(".localstackmount.properties"), String.join("\n",
                "s3.endpoint = " + server.endpoint(),
                "plugins.xattr = checksums",
                "plugin.xattr.algorithms = sha256, md5",
                "# ask S3 every time: the test overwrites objects behind the mount",
                "metadata.ttl = 0",
                ""));
        long start = System.nanoTime();
        app = AppProcess.mount(project, home, tmp.resolve("mnt"));
        System.out.println("PluginsIT: mounted with a drop-in plugin in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        bucket = tmp.resolve("mnt/sums");
    }

    @AfterAll
    static void unmount() {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            s3.close();
            server.close();
        }
    }

    private static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }

    private static String attribute(String file, String name) {
        return MountFixture.run(bucket, "getfattr", "--only-values", "-n", name, file);
    }

    @Nested
    @DisplayName("the selected drop-in answers through the mount")
    class Mounted {
        @Test
        @DisplayName("getfattr -n user.sha256 prints what sha256sum prints; user.md5 too")
        void checksums() throws Exception {
            byte[] body = "hello from a drop-in plugin\n".getBytes(UTF_8);
            s3.put("sums", "hello.txt", body, Map.of(), "text/plain");
            assertEquals(hex("SHA-256", body), attribute("hello.txt", "user.sha256"));
            assertEquals(hex("MD5", body), attribute("hello.txt", "user.md5"));
            String sha256sum = MountFixture.run(bucket, "sha256sum", "hello.txt");
            assertTrue(sha256sum.startsWith(attribute("hello.txt", "user.sha256") + " "), sha256sum);
        }

        @Test
        @DisplayName("it replaced the standard xattr handlers: only its names are listed")
        void replacedStandard() {
            s3.put("sums", "meta.txt", "x".getBytes(UTF_8), Map.of("color", "red"), "text/plain");
            String dump = MountFixture.run(bucket, "getfattr", "-d", "-m", "-", "meta.txt");
            assertTrue(dump.contains("user.sha256=") && dump.contains("user.md5="), dump);
            assertFalse(dump.contains("user.color") || dump.contains("user.s3."), dump);
        }

        @Test
        @DisplayName("an overwritten object gets a new checksum (cached by ETag, never stale)")
        void overwritten() throws Exception {
            s3.put("sums", "changing.txt", "one".getBytes(UTF_8), Map.of(), "text/plain");
            assertEquals(hex("SHA-256", "one".getBytes(UTF_8)), attribute("changing.txt", "user.sha256"));
            s3.put("sums", "changing.txt", "two".getBytes(UTF_8), Map.of(), "text/plain");
            assertEquals(hex("SHA-256", "two".getBytes(UTF_8)), attribute("changing.txt", "user.sha256"));
        }

        @Test
        @DisplayName("a file written through the mount has its checksum once closed")
        void writtenHere() throws Exception {
            Files.writeString(bucket.resolve("local.txt"), "written through the mount");
            assertEquals(hex("SHA-256", "written through the mount".getBytes(UTF_8)), attribute("local.txt", "user.sha256"));
        }

        @Test
        @DisplayName("setting a checksum is refused (EPERM)")
        void readOnly() {
            s3.put("sums", "ro.txt", "x".getBytes(UTF_8), Map.of(), "text/plain");
            MountFixture.Result r = MountFixture.runAllowingFailure(bucket, "setfattr", "-n", "user.sha256", "-v", "0", "ro.txt");
            assertNotEquals(0, r.exitCode());
            assertTrue(r.output().contains("Operation not permitted"), r.output());
        }

        @Test
        @DisplayName("the broken jar next to it was reported by name and did not stop the mount")
        void brokenReported() {
            String out = app.output();
            assertTrue(out.contains("broken.jar") && out.contains("skipped"), out);
        }
    }

    @Test
    @DisplayName("'localstackmount plugins' lists the drop-in as selected, with its module and jar")
    void listing() {
        MountFixture.Result r = AppProcess.run(project, home, "plugins");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().matches("(?s).*xattr +checksums +selected +io\\.localstackmount\\.example\\.checksums +"
                + java.util.regex.Pattern.quote(plugins.resolve("checksums.jar").toString()) + ".*"), r.output());
        assertTrue(r.output().matches("(?s).*xattr +standard +available.*"), r.output());
        assertTrue(r.output().contains(plugins.resolve("broken.jar").toString()), r.output());
    }

    @Test
    @DisplayName("a project file that sets plugin-dirs stops 'plugins', --print-config and the mount before any jar loads")
    void projectPluginDirsRefused(@TempDir Path other) throws Exception {
        Path foreign = Files.createDirectories(other.resolve("foreign"));
        PluginJars.build(PluginJars.exampleSources(), foreign.resolve("foreign.jar"));
        Path file = Files.writeString(other.resolve(".localstackmount.properties"), "s3.endpoint = " + server.endpoint() + "\n"
                + "plugin-dirs = foreign\n");
        for (String[] args : new String[][] {{"plugins"}, {"--print-config"}, {other.resolve("mnt").toString()}}) {
            MountFixture.Result r = AppProcess.run(other, home, args);
            assertEquals(2, r.exitCode(), r.output());
            assertTrue(r.output().contains("plugin-dirs = foreign (" + file + ":2): a project file cannot add plugin folders"),
                    r.output());
            assertFalse(r.output().contains("foreign.jar"), r.output());
        }
        assertFalse(io.localstackmount.fuse.FuseMount.isMounted(other.resolve("mnt")));
    }

    @Test
    @DisplayName("a misspelt provider name stops the start, naming the key, the file and what was found")
    void unknownName(@TempDir Path other) throws Exception {
        Files.writeString(other.resolve(".localstackmount.properties"), "s3.endpoint = " + server.endpoint() + "\n"
                + "plugins.xattr = checksum\n");
        MountFixture.Result r = AppProcess.run(other, home, "--print-config");
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("plugins.xattr = checksum (" + other.resolve(".localstackmount.properties") + ":2)"), r.output());
        assertTrue(r.output().contains(plugins.resolve("checksums.jar").toString()), r.output());
        assertTrue(r.output().contains("did you mean 'checksums'?"), r.output());
    }

    @Test
    @DisplayName("a setting the plugin does not know stops the start with its message")
    void badSetting(@TempDir Path other) throws Exception {
        Files.writeString(other.resolve(".localstackmount.properties"), "s3.endpoint = " + server.endpoint() + "\n"
                + "plugins.xattr = checksums\nplugin.xattr.algorithm = md5\n");
        MountFixture.Result r = AppProcess.run(other, home, other.resolve("mnt").toString());
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("unknown configuration key 'plugin.xattr.algorithm'")
                && r.output().contains("did you mean 'plugin.xattr.algorithms'"), r.output());
        assertFalse(io.localstackmount.fuse.FuseMount.isMounted(other.resolve("mnt")));
    }
}
