package io.localstackmount.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.localstackmount.fuse.FuseMount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as the mount ecosystem runs it, for real: fuse3's {@code mount.fuse} running it as a
 * helper ({@code SOURCE DIR -o OPTIONS}, the launcher found on PATH), {@code --daemon},
 * {@code status}, {@code unmount}, and the messages for mount points that cannot be used. Each
 * command is the app on the test class path, started by a launcher script in {@code tmp/bin}.
 *
 * <pre>
 *   tmp/bin/localstackmount   exec java -cp ... Main "$@"
 *   tmp/home/                 HOME and the XDG folders: records, daemon logs
 *   tmp/data/                 the embedded server's buckets
 *   tmp/mnt/                  the mount point
 * </pre>
 */
class MountConventionsIT {
    @TempDir
    Path tmp;
    private Path home;
    private Path mnt;
    private Path data;
    private Path bin;

    @BeforeEach
    void layout() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        mnt = tmp.resolve("mnt");
        data = tmp.resolve("data");
        bin = Files.createDirectories(tmp.resolve("bin"));
        String script = "#!/bin/sh\nexec " + AppProcess.javaCommand(home).stream().map(a -> "'" + a + "'")
                .collect(Collectors.joining(" ")) + " \"$@\"\n";
        Path launcher = Files.writeString(bin.resolve("localstackmount"), script);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void nothingLeftMounted() throws Exception {
        if (FuseMount.isMounted(mnt)) {
            run("unmount", mnt.toString());
            if (FuseMount.isMounted(mnt)) {
                new ProcessBuilder("fusermount", "-u", "-z", mnt.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
            }
            throw new AssertionError(mnt + " was left mounted");
        }
    }

    private MountFixture.Result run(String... args) {
        return AppProcess.run(tmp, home, args);
    }

    /** Any command line, with the launcher first on PATH and the test's clean environment. */
    private MountFixture.Result shell(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true);
        AppProcess.cleanEnvironment(pb.environment(), home);
        pb.environment().put("PATH", bin + ":" + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running: " + command + "\n" + out);
        }
        return new MountFixture.Result(p.exitValue(), out, command);
    }

    @Test
    @DisplayName("mount.fuse runs it as a helper: SOURCE DIR -o with config keys and mount options; status; unmount")
    void mountHelper() throws Exception {
        Path helper = Stream.of("/sbin/mount.fuse3", "/usr/sbin/mount.fuse3", "/sbin/mount.fuse").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(helper != null, "fuse3's mount.fuse is not installed");
        MountFixture.Result mounted = shell(List.of(helper.toString(), "localstackmount", mnt.toString(), "-t", "fuse.localstackmount",
                "-o", "embedded,embedded-data=" + data + ",ttl=0,_netdev,nofail,noauto,x-systemd.automount,rw"));
        assertEquals(0, mounted.exitCode(), mounted.output());
        assertTrue(mounted.output().contains("mounted at " + mnt), mounted.output());
        assertEquals("fuse.localstackmount", FuseMount.mountType(mnt).orElse("?"), "mount(8)'s type");
        assertTrue(Files.exists(mnt.resolve("sample/README.txt")), "the mount answers as soon as the helper returned");
        Files.readString(mnt.resolve("sample/README.txt"));

        MountFixture.Result status = run("status");
        assertEquals(0, status.exitCode(), status.output());
        assertTrue(status.output().contains(mnt.toString()) && status.output().contains("pid "), status.output());
        assertTrue(status.output().matches("(?s).*requests +[1-9].*"), "live counts: " + status.output());
        assertTrue(status.output().contains("embedded") && status.output().contains(data.toString()), status.output());

        MountFixture.Result unmounted = run("unmount", mnt.toString());
        assertEquals(0, unmounted.exitCode(), unmounted.output());
        assertFalse(FuseMount.isMounted(mnt));
        assertEquals(1, run("status").exitCode(), "no mount left in the records");
    }

    @Test
    @DisplayName("--daemon returns once the mount answers; mounting again says who has it and starts no second server")
    void daemon() throws Exception {
        MountFixture.Result started = run("--daemon", "--embedded", "--embedded-data", data.toString(), mnt.toString());
        assertEquals(0, started.exitCode(), started.output());
        assertTrue(FuseMount.isMounted(mnt), "mounted when --daemon returned");
        assertTrue(Files.exists(mnt.resolve("sample/README.txt")));

        MountFixture.Result again = run("--embedded", "--embedded-data", data.toString(), mnt.toString());
        assertEquals(4, again.exitCode(), again.output());
        assertTrue(again.output().contains("is already mounted by localstackmount (pid")
                && again.output().contains("localstackmount unmount " + mnt), again.output());
        assertFalse(again.output().contains("S3Proxy") || again.output().contains("Embedded S3 server"), "no second server: " + again.output());

        Path elsewhere = tmp.resolve("mnt2");
        MountFixture.Result sameData = run("--embedded", "--embedded-data", data.toString(), elsewhere.toString());
        assertEquals(4, sameData.exitCode(), sameData.output());
        assertTrue(sameData.output().contains("already keeps its buckets in " + data), sameData.output());
        assertFalse(FuseMount.isMounted(elsewhere));

        assertEquals(0, run("unmount", mnt.toString()).exitCode());
        assertFalse(FuseMount.isMounted(mnt));
        MountFixture.Result notMounted = run("unmount", mnt.toString());
        assertEquals(1, notMounted.exitCode());
        assertTrue(notMounted.output().contains("is not mounted"), notMounted.output());
    }

    @Test
    @DisplayName("--daemon that cannot mount fails with the reason and the exit code of the mount")
    void daemonFailure() {
        MountFixture.Result r = run("--daemon", "--endpoint", "http://127.0.0.1:1", mnt.toString());
        assertEquals(3, r.exitCode(), r.output());
        assertTrue(r.output().contains("Nothing answers at http://127.0.0.1:1 (set by --endpoint)"), r.output());
        assertFalse(r.output().contains("pass --endpoint"), r.output());
        assertFalse(FuseMount.isMounted(mnt));
    }

    @Test
    @DisplayName("mount points that cannot be used: a file, a folder that is not empty (unless --nonempty)")
    void mountPointMessages() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        MountFixture.Result r = run("--embedded", "--embedded-data", data.toString(), file.toString());
        assertEquals(4, r.exitCode(), r.output());
        assertTrue(r.output().contains("the mount point " + file + " is a file; choose a folder"), r.output());

        Files.createDirectories(mnt);
        Files.writeString(mnt.resolve("keep.txt"), "mine");
        r = run("--embedded", "--embedded-data", data.toString(), mnt.toString());
        assertEquals(4, r.exitCode(), r.output());
        assertTrue(r.output().contains("is not empty (keep.txt)") && r.output().contains("--nonempty (-o nonempty)"), r.output());
        assertFalse(r.output().contains("nonempty' mount option"), "libfuse's advice is not shown: " + r.output());

        r = run("--daemon", "--nonempty", "--embedded", "--embedded-data", data.toString(), mnt.toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(Files.exists(mnt.resolve("sample")));
        assertEquals(0, run("unmount", mnt.toString()).exitCode());
        assertEquals("mine", Files.readString(mnt.resolve("keep.txt")), "the hidden file is back");
    }

    @Test
    @DisplayName("--version, and a misspelt option answered with the closest one")
    void versionAndSuggestion() {
        MountFixture.Result v = run("--version");
        assertEquals(0, v.exitCode());
        assertTrue(v.output().startsWith("localstackmount "), v.output());
        assertTrue(v.output().contains("AWS SDK for Java 2."), v.output());
        MountFixture.Result s = run("--endpiont", "http://x");
        assertEquals(2, s.exitCode());
        assertTrue(s.output().contains("unknown option --endpiont; did you mean --endpoint?"), s.output());
    }

    @Test
    @DisplayName("--log-file takes the log; the terminal keeps only what is for the person")
    void logFile() throws Exception {
        Path log = tmp.resolve("logs/mount.log");
        MountFixture.Result r = run("--daemon", "--log-file", log.toString(), "--log-level", "debug", "--embedded",
                "--embedded-data", data.toString(), mnt.toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("log " + log), r.output());
        assertEquals(0, run("unmount", mnt.toString()).exitCode());
        String text = Files.readString(log);
        assertTrue(text.contains("[INFO] MountCommand - mounted") && text.contains("[DEBUG]"), text);
        List<String> lines = new ArrayList<>(text.lines().toList());
        assertTrue(lines.get(lines.size() - 1).contains("stopped") || text.contains("unmounted " + mnt), text);
    }

    @Test
    @DisplayName("--print-config output is a config file that reads back")
    void printConfigRoundTrip() throws Exception {
        MountFixture.Result printed = run("--print-config", "--ttl", "3", "--bucket", "bkt/p", mnt.toString());
        assertEquals(0, printed.exitCode(), printed.output());
        Path saved = Files.writeString(tmp.resolve("saved.properties"), printed.output());
        MountFixture.Result again = run("--print-config", "--config", saved.toString());
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("metadata.ttl = 3s") && again.output().contains("mount.bucket = bkt/p"), again.output());
        assertNotEquals(-1, again.output().indexOf("mount.point = " + mnt));
    }
}
