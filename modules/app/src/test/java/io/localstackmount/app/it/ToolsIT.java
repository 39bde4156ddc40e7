package io.localstackmount.app.it;

import static io.localstackmount.app.it.MountFixture.run;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tools a developer points at a folder, run on the mount exactly as on a local disk: git,
 * vim, sed, tar, rsync and cp. Each result is compared with the same tool's result on local disk
 * ({@code diff -r}) or read back through S3. Each test has its own bucket.
 *
 * <pre>
 *   tools-git/repo/        git init, add, commit, status
 *   tools-clone/clone/     git clone of a local repository with three commits
 *   tools-vim/, -sed/      one small file edited in place
 *   tools-tar/tree/        a few hundred small files unpacked by tar
 *   tools-rsync/dst/       rsync -a in, then out again
 *   tools-cp/big.bin       100 MiB copied in and out
 * </pre>
 */
@DisplayName("developer tools on a mount")
class ToolsIT {
    private static MountFixture fx;

    @TempDir
    static Path local;

    @BeforeAll
    static void mount() {
        fx = MountFixture.start();
    }

    @AfterAll
    static void unmount() {
        if (fx != null) {
            fx.close();
        }
    }

    /** git with a fixed identity and branch name, whatever the machine's configuration says. */
    private static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=Tools IT", "-c", "user.email=tools@example.com",
                "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        return run(dir, command.toArray(String[]::new));
    }

    private static String s3String(String bucket, String key) throws IOException {
        Path target = Files.createTempFile(local, "s3-", ".txt");
        fx.s3().download(bucket, key, target);
        return Files.readString(target);
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        for (int n; (n = in.read(buf)) > 0; ) {
            digest.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    /** Fails with diff's output unless the two trees are equal, contents and names. */
    private static void assertSameTree(Path expected, Path actual) {
        MountFixture.Result diff = MountFixture.runAllowingFailure(local, "diff", "-r", "--no-dereference",
                expected.toString(), actual.toString());
        assertEquals(0, diff.exitCode(), "diff -r " + expected + " " + actual + ":\n" + diff.output());
    }

    /** One line per entry of {@code type} (find -type), sorted, with the {@code find -printf} fields given. */
    private static String listing(Path root, String type, String fields) {
        return run(root, "sh", "-c", "find . -mindepth 1 -type " + type + " -printf '%P " + fields + "\\n' | LC_ALL=C sort");
    }

    /** Mode of every file and folder: what tar and rsync -a restore. */
    private static String modes(Path root) {
        return listing(root, "f", "%m") + listing(root, "d", "%m");
    }

    /** Mtime (whole seconds) of every file, of type {@code f} or {@code d}. */
    private static String mtimes(Path root, String type) {
        return listing(root, type, "%TY-%Tm-%Td %TH:%TM:%.2TS");
    }

    private static long count(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).count();
        }
    }

    /**
     * A small tree to rsync, with times and modes a fresh copy would not have by chance.
     * <pre>
     *   d0/ f0 f4 f8 f12   d1/ ...   d2/ ...   d3/ ...   top.txt (0750)   every mtime in 2017
     * </pre>
     */
    private static Path rsyncSource(String name) throws IOException {
        Path source = Files.createDirectories(local.resolve(name));
        Random random = new Random(7);
        for (int i = 0; i < 16; i++) {
            Path dir = Files.createDirectories(source.resolve("d" + (i % 4)));
            byte[] content = new byte[random.nextInt(20_000)];
            random.nextBytes(content);
            Path file = Files.write(dir.resolve("f" + i), content);
            Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(1_500_000_000L + i)));
        }
        Files.writeString(source.resolve("top.txt"), "top\n");
        Files.setPosixFilePermissions(source.resolve("top.txt"), PosixFilePermissions.fromString("rwxr-x---"));
        for (int d = 0; d < 4; d++) {
            Files.setLastModifiedTime(source.resolve("d" + d), FileTime.from(Instant.ofEpochSecond(1_500_100_000L + d)));
        }
        Files.setLastModifiedTime(source, FileTime.from(Instant.ofEpochSecond(1_500_200_000L)));
        return source;
    }

    @Nested
    @DisplayName("git")
    class Git {
        @Test
        @DisplayName("init, add, commit and a clean status in the mount; a change shows and commits too")
        void initAddCommit() throws Exception {
            Path b = fx.bucket("tools-git");
            Path repo = Files.createDirectory(b.resolve("repo"));
            git(repo, "init", "-q");
            Files.writeString(repo.resolve("README.md"), "# project\n");
            Files.createDirectories(repo.resolve("src/main"));
            Files.writeString(repo.resolve("src/main/App.java"), "class App {}\n");
            Files.writeString(repo.resolve("run.sh"), "#!/bin/sh\necho run\n");
            run(repo, "chmod", "+x", "run.sh");

            git(repo, "add", "-A");
            git(repo, "commit", "-q", "-m", "first");

            assertEquals("", git(repo, "status", "--porcelain"));
            assertEquals("first\n", git(repo, "log", "--format=%s"));
            assertTrue(git(repo, "ls-files", "-s", "run.sh").startsWith("100755 "), "the executable bit is committed");

            Files.writeString(repo.resolve("README.md"), "# project\n\nmore\n");
            assertEquals(" M README.md\n", git(repo, "status", "--porcelain"));
            git(repo, "commit", "-q", "-a", "-m", "second");
            assertEquals("", git(repo, "status", "--porcelain"));
            assertEquals("second\nfirst\n", git(repo, "log", "--format=%s"));
            git(repo, "fsck", "--full", "--no-progress");
            assertTrue(fx.s3().head("tools-git", "repo/.git/HEAD").isPresent());
            assertFalse(fx.s3().head("tools-git", "repo/.git/index.lock").isPresent(), "no lock file left behind");
        }

        @Test
        @DisplayName("status stays clean after the cache TTL (stat data in the index still matches)")
        void statusCleanAfterTtl() throws Exception {
            Path b = fx.bucket("tools-git-ttl");
            Path repo = Files.createDirectory(b.resolve("repo"));
            git(repo, "init", "-q");
            for (int i = 0; i < 5; i++) {
                Files.writeString(repo.resolve("f" + i + ".txt"), "file " + i + "\n");
            }
            git(repo, "add", "-A");
            git(repo, "commit", "-q", "-m", "files");

            Thread.sleep(2_500);

            assertEquals("", git(repo, "status", "--porcelain"));
            assertEquals("", git(repo, "diff", "--stat"));
        }

        @Test
        @DisplayName("clone of a local repository with three commits, a symlink and a script: log and a clean status in the clone")
        void cloneIntoMount() throws Exception {
            Path source = Files.createDirectory(local.resolve("clone-source"));
            git(source, "init", "-q");
            for (int i = 1; i <= 3; i++) {
                Files.writeString(source.resolve("file" + i + ".txt"), "content " + i + "\n");
                Files.createDirectories(source.resolve("dir" + i + "/nested"));
                Files.writeString(source.resolve("dir" + i + "/nested/deep.txt"), "deep " + i + "\n");
                if (i == 2) {
                    Files.writeString(source.resolve("run.sh"), "#!/bin/sh\necho run\n");
                    Files.setPosixFilePermissions(source.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
                    Files.createSymbolicLink(source.resolve("link"), Path.of("file1.txt"));
                }
                git(source, "add", "-A");
                git(source, "commit", "-q", "-m", "commit " + i);
            }
            Path b = fx.bucket("tools-clone");

            git(b, "clone", "-q", source.toString(), "clone");

            Path clone = b.resolve("clone");
            assertEquals("commit 3\ncommit 2\ncommit 1\n", git(clone, "log", "--format=%s"));
            assertEquals("", git(clone, "status", "--porcelain"));
            assertEquals(git(source, "rev-parse", "HEAD"), git(clone, "rev-parse", "HEAD"));
            MountFixture.Result diff = MountFixture.runAllowingFailure(local, "diff", "-r", "--no-dereference", "--exclude=.git",
                    source.toString(), clone.toString());
            assertEquals(0, diff.exitCode(), diff.output());
            assertEquals("file1.txt\n", run(clone, "readlink", "link"));
            assertEquals("run\n", run(clone, "./run.sh"));
            git(clone, "fsck", "--full", "--no-progress");
            Thread.sleep(2_500);
            assertEquals("", git(clone, "status", "--porcelain"), "still clean after the cache TTL");
        }
    }

    @Nested
    @DisplayName("editors")
    class Editors {
        @Test
        @DisplayName("vim -es '%s/a/b/' + wq edits and saves; S3 holds the new content")
        void vim() throws Exception {
            Path b = fx.bucket("tools-vim");
            Files.writeString(b.resolve("notes.txt"), "banana\nalpha\nzzz\n");

            run(b, "vim", "-es", "-c", "%s/a/b/", "-c", "wq", "notes.txt");

            assertEquals("bbnana\nblpha\nzzz\n", s3String("tools-vim", "notes.txt"));
            assertEquals("bbnana\nblpha\nzzz\n", Files.readString(b.resolve("notes.txt")));
            assertEquals("notes.txt\n", run(b, "ls", "-A"), "no swap or backup file left");
        }

        @Test
        @DisplayName("sed -i edits in place; S3 holds the new content and the mode is kept")
        void sed() throws Exception {
            Path b = fx.bucket("tools-sed");
            Files.writeString(b.resolve("conf.ini"), "[main]\nkey = old\nother = old\n");
            run(b, "chmod", "640", "conf.ini");

            run(b, "sed", "-i", "s/= old/= new/", "conf.ini");

            assertEquals("[main]\nkey = new\nother = new\n", s3String("tools-sed", "conf.ini"));
            assertEquals("640", run(b, "stat", "-c", "%a", "conf.ini").strip());
            assertEquals("conf.ini\n", run(b, "ls", "-A"));
        }
    }

    @Nested
    @DisplayName("archives and copies")
    class Copies {
        @Test
        @DisplayName("tar x of 300 small files: diff -r against the source is empty; modes and the symlink restored")
        void tarExtract() throws Exception {
            Path tree = Files.createDirectories(local.resolve("tar-src/tree"));
            Random random = new Random(42);
            for (int d = 0; d < 10; d++) {
                Path dir = Files.createDirectories(tree.resolve("dir" + d + (d % 3 == 0 ? "/sub" : "")));
                for (int f = 0; f < 30; f++) {
                    byte[] content = new byte[random.nextInt(3000)];
                    random.nextBytes(content);
                    Files.write(dir.resolve("file" + f + (f % 2 == 0 ? ".txt" : ".bin")), content);
                }
            }
            Files.setPosixFilePermissions(tree.resolve("dir1/file1.bin"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(tree.resolve("dir2/file2.txt"), PosixFilePermissions.fromString("rw-------"));
            Files.createDirectories(tree.resolve("empty/folder"));
            Files.createSymbolicLink(tree.resolve("link"), Path.of("dir1/file3.bin"));
            run(local.resolve("tar-src"), "tar", "cf", local.resolve("tree.tar").toString(), "tree");
            Path b = fx.bucket("tools-tar");

            run(b, "tar", "xf", local.resolve("tree.tar").toString());

            Path out = b.resolve("tree");
            assertAll(
                    () -> assertSameTree(tree, out),
                    () -> assertEquals(300, count(out)),
                    () -> assertEquals("dir1/file3.bin\n", run(b, "readlink", "tree/link")),
                    () -> assertEquals(modes(tree), modes(out), "modes"),
                    () -> assertTrue(fx.s3().head("tools-tar", "tree/empty/folder/").isPresent(), "empty folders are kept by markers"));
        }

        @Test
        @DisplayName("tar x restores the mtimes of files and folders, also after the cache TTL")
        void tarRestoresMtimes() throws Exception {
            // tree/ a.txt  sub/ b.txt  sub/deeper/ c.txt  -- every mtime in 2020
            Path tree = local.resolve("tar-times/tree");
            Files.createDirectories(tree.resolve("sub/deeper"));
            long t = 1_600_000_000L;
            for (String name : List.of("a.txt", "sub/b.txt", "sub/deeper/c.txt")) {
                Files.writeString(tree.resolve(name), name);
                Files.setLastModifiedTime(tree.resolve(name), FileTime.from(Instant.ofEpochSecond(t++)));
            }
            for (String dir : List.of("sub/deeper", "sub", "")) {
                Files.setLastModifiedTime(tree.resolve(dir), FileTime.from(Instant.ofEpochSecond(t++)));
            }
            run(local.resolve("tar-times"), "tar", "cf", local.resolve("times.tar").toString(), "tree");
            Path b = fx.bucket("tools-tar-times");

            run(b, "tar", "xf", local.resolve("times.tar").toString());
            Thread.sleep(2_500); // past the metadata TTL: what stat shows now comes from S3 again

            Path out = b.resolve("tree");
            assertAll(
                    () -> assertEquals(mtimes(tree, "f"), mtimes(out, "f"), "file mtimes (tar sets them with futimens, atime omitted)"),
                    () -> assertEquals(mtimes(tree, "d"), mtimes(out, "d"), "folder mtimes"));
        }

        @Test
        @DisplayName("rsync -a in and out: both copies diff-equal to the source; file modes and mtimes kept both ways")
        void rsync() throws Exception {
            Path source = rsyncSource("rsync-src");
            Path b = fx.bucket("tools-rsync");
            Path dst = b.resolve("dst");
            Path back = local.resolve("rsync-back");

            run(local, "rsync", "-a", source + "/", dst + "/");
            run(local, "rsync", "-a", dst + "/", back + "/");
            Thread.sleep(2_500); // past the metadata TTL: what stat shows now comes from S3 again

            assertAll(
                    () -> assertSameTree(source, dst),
                    () -> assertSameTree(source, back),
                    () -> assertSameTree(dst, back),
                    () -> assertEquals(listing(source, "f", "%m"), listing(dst, "f", "%m"), "file modes in the mount"),
                    () -> assertEquals(mtimes(source, "f"), mtimes(dst, "f"), "file mtimes in the mount"),
                    () -> assertEquals(modes(source), modes(back), "modes copied out"),
                    () -> assertEquals(mtimes(source, "f"), mtimes(back, "f"), "file mtimes copied out"));
        }

        @Test
        @DisplayName("rsync -a keeps folder mtimes, so a second rsync -a finds nothing to do, also after the cache TTL")
        void rsyncTwiceIsIdle() throws Exception {
            Path source = rsyncSource("rsync-src2");
            Path b = fx.bucket("tools-rsync-idle");
            Path dst = b.resolve("dst");

            run(local, "rsync", "-a", source + "/", dst + "/");
            Thread.sleep(2_500);

            assertAll(
                    () -> assertEquals(mtimes(source, "d"), mtimes(dst, "d"), "folder mtimes in the mount"),
                    () -> assertEquals("", run(local, "rsync", "-a", "-i", source + "/", dst + "/"),
                            "a second rsync -a finds everything up to date (size, mtime, mode)"));
        }

        @Test
        @DisplayName("cp of 100 MiB in and out: SHA-256 equal through the mount, through S3 and after copying out")
        void cpLarge() throws Exception {
            Path big = local.resolve("big.bin");
            Random random = new Random(100);
            byte[] chunk = new byte[1 << 20];
            try (OutputStream out = Files.newOutputStream(big)) {
                for (int i = 0; i < 100; i++) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            }
            String expected = sha256(big);
            Path b = fx.bucket("tools-cp");

            long start = System.nanoTime();
            run(local, "cp", big.toString(), b.resolve("big.bin").toString());
            long inMillis = (System.nanoTime() - start) / 1_000_000;

            assertEquals(100L << 20, fx.s3().head("tools-cp", "big.bin").orElseThrow().size());
            Path viaS3 = local.resolve("via-s3.bin");
            fx.s3().download("tools-cp", "big.bin", viaS3);
            assertEquals(expected, sha256(viaS3), "object in S3");
            Files.delete(viaS3);

            start = System.nanoTime();
            Path out = local.resolve("out.bin");
            run(local, "cp", b.resolve("big.bin").toString(), out.toString());
            long outMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(expected, sha256(out), "copied out of the mount");
            assertEquals(expected, run(b, "sha256sum", "big.bin").split(" ")[0], "sha256sum through the mount");
            assertNotEquals(0, inMillis);
            System.out.println("cp 100 MiB in: " + inMillis + " ms, out: " + outMillis + " ms");
            Files.delete(out);
            Files.delete(big);
        }
    }
}
