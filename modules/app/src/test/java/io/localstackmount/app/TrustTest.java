package io.localstackmount.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What configuration and the mount refuse to trust: project and user files someone else can write,
 * plugin folders named by a project file, shared folders owned or writable by others, the mount's own
 * folders inside the mount point, and secrets in anything printed. "Another user" is uid 65534
 * (nobody), set with a chown, so those cases need root and are skipped otherwise.
 *
 * <pre>
 *   tmp/home/.config/localstackmount/config.properties   the user file (when a test writes it)
 *   tmp/project/.localstackmount.properties              the project file (when a test writes it)
 *   tmp/project/sub/                                     the working folder
 * </pre>
 */
class TrustTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path tmp;
    Path home;
    Path project;
    Path cwd;
    final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void folders() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        project = Files.createDirectories(tmp.resolve("project"));
        cwd = Files.createDirectories(project.resolve("sub"));
    }

    private Path projectFile(String text) throws IOException {
        Path file = project.resolve(".localstackmount.properties");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    private Path userFile(String text) throws IOException {
        Path dir = Files.createDirectories(home.resolve(".config/localstackmount"));
        Path file = Files.writeString(dir.resolve("config.properties"), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    private ConfigSources sources(String... args) {
        CliOptions cli = CliParser.parse(List.of(args), cwd);
        return ConfigSources.load(cli.flags(), cli.configFile(), env, cwd, ConfigSources.userConfigDir(env, home));
    }

    private AppConfig load(String... args) {
        CliOptions cli = CliParser.parse(List.of(args), cwd);
        return ConfigLoader.load(sources(args), cli.pluginDirs(), env, home, ConfigSources.userConfigDir(env, home));
    }

    private String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> load(args)).getMessage();
    }

    private static boolean root() {
        return UserIds.uid() == 0;
    }

    private static void chown(Path path, int uid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    @Nested
    @DisplayName("project and user files")
    class ConfigFiles {
        @Test
        @DisplayName("a project file writable by others is ignored with a warning naming it and why")
        void worldWritable() throws IOException {
            Path file = projectFile("mount.umask = 027\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
            ConfigSources s = sources();
            assertFalse(s.projectFileFound());
            assertEquals(1, s.warnings().size(), s.warnings().toString());
            assertTrue(s.warnings().get(0).startsWith("ignoring the project file " + file + ": it is writable by everyone (mode 0666)"),
                    s.warnings().get(0));
            assertEquals(0022, load().umask(), "its settings do not apply");
            String printed = ConfigPrinter.print(load(), s, Plugins.load(load(), getClass().getClassLoader()));
            assertTrue(printed.contains("# project file: " + file + " (ignored: it is writable by everyone (mode 0666))"), printed);
        }

        @Test
        @DisplayName("group-writable counts only when the group is the owner's own (Debian's user private groups, umask 002)")
        void groupWritable() throws IOException {
            assumeTrue(root(), "needs root to change a file's group");
            Path file = projectFile("mount.umask = 027\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
            assertEquals(0027, load().umask(), "group root, owner root: the owner's own group");
            Files.setAttribute(file, "unix:gid", NOBODY);
            assertEquals(0022, load().umask());
            assertTrue(sources().warnings().get(0).contains("is writable by group"), sources().warnings().toString());
        }

        @Test
        @DisplayName("a project file owned by another user (not root) is ignored")
        void otherOwner() throws IOException {
            assumeTrue(root(), "needs root to chown");
            Path file = projectFile("mount.umask = 027\n");
            chown(file, NOBODY);
            assertEquals(0022, load().umask());
            assertTrue(sources().warnings().get(0).contains("is owned by uid 65534, not by you (uid 0) or root"),
                    sources().warnings().toString());
        }

        @Test
        @DisplayName("--config naming a file someone else can write stops the start")
        void configFlag() throws IOException {
            Path other = Files.writeString(tmp.resolve("other.properties"), "mount.umask = 007\n");
            Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-rw-rw-"));
            String m = error("--config", other.toString());
            assertTrue(m.startsWith("--config " + other + ": refused: it is writable by everyone"), m);
        }

        @Test
        @DisplayName("the user file follows the same rule")
        void userFileChecked() throws IOException {
            Path file = userFile("mount.umask = 077\n");
            assertEquals(0077, load().umask());
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
            assertEquals(0022, load().umask());
            assertTrue(sources().warnings().get(0).startsWith("ignoring the user file " + file), sources().warnings().toString());
        }
    }

    @Nested
    @DisplayName("plugin folders")
    class PluginFolders {
        @Test
        @DisplayName("a project file cannot set plugin-dirs: the start stops naming the file, line and why")
        void notFromProjectFile() throws IOException {
            Path file = projectFile("mount.umask = 027\nplugin-dirs = plugins\n");
            String m = error();
            assertTrue(m.startsWith("plugin-dirs = plugins (" + file + ":2): a project file cannot add plugin folders"), m);
            assertTrue(m.contains("LOCALSTACKMOUNT_PLUGIN_DIRS") && m.contains("--plugin-dir"), m);
            Path named = Files.writeString(tmp.resolve("named.properties"), "plugin-dirs = /x\n");
            assertTrue(error("--config", named.toString()).contains("a project file cannot add plugin folders"));
        }

        @Test
        @DisplayName("the user file, the environment and --plugin-dir can")
        void fromUserEnvironmentAndFlags() throws IOException {
            userFile("plugin-dirs = /from/user\n");
            assertEquals(List.of(Path.of("/from/user")), load().pluginDirs());
            env.put("LOCALSTACKMOUNT_PLUGIN_DIRS", "/from/env");
            assertEquals(List.of(Path.of("/from/env")), load().pluginDirs());
            assertEquals(List.of(Path.of("/from/flag"), Path.of("/from/env")), load("--plugin-dir", "/from/flag").pluginDirs());
        }

        @Test
        @DisplayName("a plugin folder or jar someone else can write is not loaded, and said so")
        void distrustedJars() throws Exception {
            Path open = Files.createDirectories(tmp.resolve("open"));
            PluginJars.build(PluginJars.exampleSources(), open.resolve("checksums.jar"));
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
            List<String> problems = new java.util.ArrayList<>();
            assertEquals(List.of(), PluginLayer.jars(List.of(open), problems));
            assertTrue(problems.get(0).startsWith("plugin folder " + open + ": not loaded: it is writable by everyone"), problems.toString());

            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(open.resolve("checksums.jar"), PosixFilePermissions.fromString("rw-rw-rw-"));
            problems.clear();
            assertEquals(List.of(), PluginLayer.jars(List.of(open), problems));
            assertTrue(problems.get(0).contains("checksums.jar: not loaded: it is writable by everyone"), problems.toString());

            Files.setPosixFilePermissions(open.resolve("checksums.jar"), PosixFilePermissions.fromString("rw-r--r--"));
            problems.clear();
            assertEquals(List.of(open.resolve("checksums.jar")), PluginLayer.jars(List.of(open), problems));
            assertEquals(List.of(), problems);
        }
    }

    @Nested
    @DisplayName("the mount's own folders")
    class Folders {
        @Test
        @DisplayName("a missing folder is created private (0700)")
        void created() throws IOException {
            Path dir = tmp.resolve("made/staging");
            PathTrust.privateFolder("mount.staging-dir", dir);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            PathTrust.privateFolder("mount.staging-dir", dir);
        }

        @Test
        @DisplayName("a folder writable by others is refused, naming the key, the folder and why")
        void writableByOthers() throws IOException {
            Path dir = Files.createDirectories(tmp.resolve("shared"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            String m = assertThrows(ConfigException.class, () -> PathTrust.privateFolder("cache.dir", dir)).getMessage();
            assertTrue(m.startsWith("cache.dir " + dir + ": refused: it is writable by everyone (mode 0777)"), m);
        }

        @Test
        @DisplayName("/tmp/localstackmount-<uid> made beforehand by another user is refused; so is a link to elsewhere they own")
        void preCreatedByAnotherUser() throws IOException {
            assumeTrue(root(), "needs root to chown");
            Path dir = Files.createDirectories(tmp.resolve("localstackmount-0"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            chown(dir, NOBODY);
            String m = assertThrows(ConfigException.class, () -> PathTrust.privateFolder("mount.staging-dir", dir)).getMessage();
            assertTrue(m.contains("refused: it is owned by uid 65534, not by you (uid 0)"), m);

            Path mine = Files.createDirectories(tmp.resolve("mine"));
            Path link = Files.createSymbolicLink(tmp.resolve("link"), mine);
            PathTrust.privateFolder("mount.staging-dir", link);
            chown(link, NOBODY);
            m = assertThrows(ConfigException.class, () -> PathTrust.privateFolder("mount.staging-dir", link)).getMessage();
            assertTrue(m.contains("refused: it is a symbolic link owned by uid 65534"), m);
        }

        @Test
        @DisplayName("a file where a folder should be is refused")
        void notAFolder() throws IOException {
            Path file = Files.writeString(tmp.resolve("file"), "x");
            assertTrue(assertThrows(ConfigException.class, () -> PathTrust.privateFolder("cache.dir", file)).getMessage()
                    .contains("not a folder"));
        }

        @Test
        @DisplayName("staging, cache and embedded data inside the mount point are refused")
        void insideMountPoint() throws IOException {
            Path mnt = tmp.resolve("mnt");
            String m = error("--set", "mount.point=" + mnt, "--staging-dir", mnt.resolve(".staging").toString());
            assertTrue(m.startsWith("mount.staging-dir = " + mnt.resolve(".staging") + " (--staging-dir) is inside the mount point "
                    + mnt + " (mount.point, --set)"), m);
            assertTrue(error("--set", "mount.point=" + mnt, "--set", "cache.dir=" + mnt).contains("cache.dir = " + mnt));
            m = error("--set", "mount.point=" + mnt, "--embedded", "--embedded-data", mnt.resolve("data").toString());
            assertTrue(m.startsWith("embedded.data-dir = "), m);
            // Only when the embedded server is used: its default data folder may be anywhere otherwise.
            load("--set", "mount.point=" + mnt, "--embedded-data", mnt.resolve("data").toString());
        }

        @Test
        @DisplayName("inside through a symbolic link counts as inside")
        void insideThroughALink() throws IOException {
            Path mnt = Files.createDirectories(tmp.resolve("mnt"));
            Path alias = Files.createSymbolicLink(tmp.resolve("alias"), mnt);
            String m = error("--set", "mount.point=" + mnt, "--staging-dir", alias.resolve("staging").toString());
            assertTrue(m.contains("is inside the mount point"), m);
        }
    }

    @Nested
    @DisplayName("secrets")
    class Masking {
        @Test
        @DisplayName("S3 source lines, messages and --print-config show no secret and only the key id's last four")
        void masked() throws IOException {
            projectFile("s3.access-key = AKIAEXAMPLEWXYZ\ns3.secret-key = sekrit-value\n");
            AppConfig c = load();
            String lines = String.join("\n", c.s3Sources());
            assertTrue(lines.contains("access key ****WXYZ, secret ****"), lines);
            assertFalse(lines.contains("sekrit") || lines.contains("AKIAEXAMPLE"), lines);
            ConfigSources s = sources();
            assertEquals("s3.secret-key = **** (" + project.resolve(".localstackmount.properties") + ":2)",
                    s.get("s3.secret-key").orElseThrow().describe());
            assertTrue(s.get("s3.access-key").orElseThrow().describe().startsWith("s3.access-key = ****WXYZ ("));
            String printed = ConfigPrinter.print(c, s, Plugins.load(c, getClass().getClassLoader()));
            assertFalse(printed.contains("sekrit") || printed.contains("AKIAEXAMPLE"), printed);
            assertFalse(c.s3().toString().contains("sekrit") || c.s3().toString().contains("AKIAEXAMPLE"), c.s3().toString());
        }

        @Test
        @DisplayName("keys given in config serve the embedded server too; without them it gets none here (random at start)")
        void embeddedCredentials() throws IOException {
            assertTrue(load().embeddedCredentials().isEmpty());
            projectFile("s3.access-key = AKIAEXAMPLEWXYZ\ns3.secret-key = sekrit-value\n");
            assertEquals("AKIAEXAMPLEWXYZ", load().embeddedCredentials().orElseThrow().accessKey());
        }
    }
}
