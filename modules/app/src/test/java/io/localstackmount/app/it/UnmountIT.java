package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.fuse.FuseMount;
import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a mount that a shell and a {@code sleep} still sit in: the command detaches the mount
 * lazily after {@code --busy-timeout} and exits within a few seconds more, leaves no mount behind,
 * and the processes inside get a clean "Transport endpoint is not connected" while the log shows no
 * unexpected failure. (SIGTERM, not SIGINT: a process started with {@code &} by a non-interactive
 * shell ignores SIGINT.)
 *
 * <pre>
 *   tmp/mnt/busy/      the bucket: the shell's and sleep's working folder
 *   tmp/home/          the command's HOME and XDG folders
 * </pre>
 */
class UnmountIT {
    private static final Duration BUSY_TIMEOUT = Duration.ofSeconds(2);
    /** The drain of requests in flight (2 s) and the JVM's exit, on a loaded machine. */
    private static final Duration EXIT_SLACK = Duration.ofSeconds(5);

    @Test
    @DisplayName("SIGTERM with a shell inside: detached after --busy-timeout, exit 0 within it plus a few seconds, clean errors inside")
    void busyMount(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path mnt = tmp.resolve("mnt");
        try (S3ProxyServer server = S3ProxyServer.builder().inMemory().start();
             S3ObjectStore s3 = server.newStore()) {
            s3.createBucket("busy");
            s3.put("busy", "kept.txt", "kept".getBytes(UTF_8), Map.of(), "text/plain");
            try (AppProcess app = AppProcess.mount(tmp, home, mnt, "--endpoint", server.endpoint().toString(),
                    "--busy-timeout", BUSY_TIMEOUT.toSeconds() + "s")) {
                Path inside = mnt.resolve("busy");
                assertEquals("kept.txt", MountFixture.run(inside, "ls").strip());
                Process sleeper = new ProcessBuilder("sleep", "120").directory(inside.toFile()).start();
                Process shell = new ProcessBuilder("sh", "-c", "read go; ls; echo \"ls exit $?\"").directory(inside.toFile())
                        .redirectErrorStream(true).start();
                try {
                    long start = System.nanoTime();
                    app.terminate();
                    OptionalInt exit = app.awaitExit(BUSY_TIMEOUT.plus(EXIT_SLACK).plusSeconds(20));
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    System.out.println("UnmountIT: busy mount, exit " + exit + " " + millis + " ms after SIGTERM (busy timeout "
                            + BUSY_TIMEOUT.toMillis() + " ms)");
                    String log = app.output();
                    assertTrue(exit.isPresent(), "still running after SIGTERM:\n" + log);
                    assertEquals(0, exit.getAsInt(), log);
                    assertTrue(millis < BUSY_TIMEOUT.plus(EXIT_SLACK).toMillis(), "exited " + millis + " ms after SIGTERM:\n" + log);
                    assertFalse(FuseMount.isMounted(mnt), "left mounted:\n" + log);
                    assertTrue(log.contains("detaching it lazily"), log);
                    assertFalse(log.contains("unexpectedly"), log);
                    assertFalse(log.contains("Connection pool shut down"), log);
                    assertFalse(log.contains("\tat "), "a stack trace in the log:\n" + log);

                    try (OutputStream in = shell.getOutputStream()) {
                        in.write("go\n".getBytes(UTF_8));
                    }
                    assertTrue(shell.waitFor(10, TimeUnit.SECONDS));
                    String inside2 = new String(shell.getInputStream().readAllBytes(), UTF_8);
                    System.out.println("UnmountIT: the shell left inside: " + inside2.strip());
                    assertTrue(inside2.contains("Transport endpoint is not connected"), inside2);
                    assertFalse(inside2.contains("ls exit 0"), inside2);
                } finally {
                    sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    shell.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
