package io.localstackmount.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.localstackmount.fuse.FuseMount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real command, {@code io.localstackmount.app.Main}, in a child JVM on the test class path
 * (where S3Proxy is, so {@code --embedded} needs no installation home): mount, use, SIGTERM,
 * clean exit; a missing endpoint; {@code --help}.
 *
 * <pre>
 *   tmp/data/            --embedded-data: the embedded server's buckets (sample/ on first start)
 *   tmp/mnt/             the mount point
 *   tmp/out.log          the child's stdout and stderr
 *   tmp/state/localstackmount/embedded-PORT.env   the embedded server's credentials, while it runs
 * </pre>
 */
class CommandLineIT {
    private static final Duration MOUNT_PATIENCE = Duration.ofSeconds(60);
    private static final Duration EXIT_PATIENCE = Duration.ofSeconds(30);

    private static Process launch(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.localstackmount.app.Main");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("XDG_STATE_HOME", log.resolveSibling("state").toString());
        return pb.start();
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Test
    @DisplayName("--embedded mounts the sample bucket; SIGTERM unmounts and exits 0")
    void embeddedMountAndSigterm(@TempDir Path tmp) throws Exception {
        Path mnt = tmp.resolve("mnt");
        Path log = tmp.resolve("out.log");
        String[] args = {"--embedded", "--embedded-data", tmp.resolve("data").toString(), mnt.toString()};
        Process p = launch(log, args);
        boolean retried = false;
        try {
            Path readme = mnt.resolve("sample/README.txt");
            long deadline = System.nanoTime() + MOUNT_PATIENCE.toNanos();
            while (!Files.exists(readme)) {
                if (!p.isAlive() && !retried && read(log).contains("port is in use")) {
                    // The command prefers port 4566 when it looks free; another mount (of a colleague's run on
                    // this machine) can take it between that check and the bind. Known race: try once more.
                    System.out.println("CommandLineIT: port 4566 was taken between check and bind; launching again:\n" + read(log));
                    retried = true;
                    p = launch(log, args);
                    continue;
                }
                if (!p.isAlive()) {
                    fail("the command exited " + p.exitValue() + " before mounting:\n" + read(log));
                }
                if (System.nanoTime() > deadline) {
                    fail(readme + " did not appear within " + MOUNT_PATIENCE.toSeconds() + " s:\n" + read(log));
                }
                Thread.sleep(100);
            }
            String ls = MountFixture.run(mnt.resolve("sample"), "ls");
            assertTrue(ls.contains("README.txt"), ls);
            assertFalse(MountFixture.run(mnt.resolve("sample"), "cat", "README.txt").isEmpty());

            // Credentials made up for this start: the log names the file that holds them, never the secret.
            java.util.regex.Matcher named = java.util.regex.Pattern.compile("for aws-cli and SDKs: \\. (\\S+)").matcher(read(log));
            assertTrue(named.find(), read(log));
            Path credentials = Path.of(named.group(1));
            assertEquals(tmp.resolve("state/localstackmount"), credentials.getParent());
            String secret = Files.readAllLines(credentials).stream().filter(l -> l.startsWith("export AWS_SECRET_ACCESS_KEY="))
                    .findFirst().orElseThrow().substring("export AWS_SECRET_ACCESS_KEY=".length());
            assertEquals(40, secret.length());
            assertFalse(read(log).contains(secret), read(log));

            long start = System.nanoTime();
            p.destroy(); // SIGTERM
            boolean exited = p.waitFor(EXIT_PATIENCE.toSeconds(), TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(exited, "still running " + EXIT_PATIENCE.toSeconds() + " s after SIGTERM:\n" + read(log));
            System.out.println("CommandLineIT: exited " + p.exitValue() + " " + millis + " ms after SIGTERM");
            assertFalse(FuseMount.isMounted(mnt), mnt + " is still mounted after the command exited:\n" + read(log));
            assertEquals(0, p.exitValue(), "exit code after SIGTERM:\n" + read(log));
            assertFalse(Files.exists(credentials), "the credentials file outlived the server");
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            if (FuseMount.isMounted(mnt)) {
                new ProcessBuilder("fusermount", "-u", "-z", mnt.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
                fail(mnt + " was left mounted; detached it with fusermount -u -z");
            }
        }
    }

    @Test
    @DisplayName("with no endpoint answering, it exits non-zero quickly, says which setting to correct and mentions the built-in server")
    void noEndpoint(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("out.log");
        long start = System.nanoTime();
        Process p = launch(log, "--endpoint", "http://127.0.0.1:1", tmp.resolve("mnt").toString());
        try {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "still running after 30 s:\n" + read(log));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("CommandLineIT: no endpoint, exited " + p.exitValue() + " after " + millis + " ms");
            String out = read(log);
            assertNotEquals(0, p.exitValue(), out);
            assertTrue(out.contains("correct --endpoint") && out.contains("-embedded"), out);
            assertFalse(FuseMount.isMounted(tmp.resolve("mnt")));
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @DisplayName("--help prints usage and exits 0")
    void help(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("out.log");
        Process p = launch(log, "--help");
        try {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "still running after 30 s:\n" + read(log));
            String out = read(log);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.startsWith("Usage: localstackmount"), out);
            assertTrue(out.contains("--embedded"), out);
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
