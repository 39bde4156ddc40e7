package io.localstackmount.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The checks before a mount. The machine decides what is missing, so each test states what the
 * problems must be given what this machine has, and every message must say what to do.
 */
class FusePrerequisitesTest {

    @Test
    @DisplayName("the install hint names the Debian/Ubuntu packages")
    void hint() {
        assertTrue(FusePrerequisites.INSTALL_HINT.contains("apt-get install fuse3 libfuse2"), FusePrerequisites.INSTALL_HINT);
    }

    @Test
    @DisplayName("a missing libfuse.so.2 or fusermount is reported with the apt-get line; present, it is not")
    void packages() {
        List<String> problems = FusePrerequisites.problems(false);
        boolean libfuseProblem = problems.stream().anyMatch(p -> p.contains("libfuse.so.2"));
        boolean fusermountProblem = problems.stream().anyMatch(p -> p.contains("fusermount"));
        assertEquals(FusePrerequisites.libfuse2().isEmpty(), libfuseProblem, problems.toString());
        assertEquals(FusePrerequisites.fusermount().isEmpty(), fusermountProblem, problems.toString());
        problems.stream().filter(p -> p.contains("libfuse.so.2") || p.contains("fusermount"))
                .forEach(p -> assertTrue(p.contains("apt-get install fuse3 libfuse2"), p));
    }

    @Test
    @DisplayName("/dev/fuse: missing says how to load the module or start the container; present, nothing is said")
    void devFuse() {
        List<String> problems = FusePrerequisites.problems(false);
        Path dev = Path.of("/dev/fuse");
        boolean reported = problems.stream().anyMatch(p -> p.startsWith("/dev/fuse"));
        boolean usable = Files.exists(dev) && Files.isReadable(dev) && Files.isWritable(dev);
        assertEquals(!usable, reported, problems.toString());
        problems.stream().filter(p -> p.startsWith("/dev/fuse does not exist"))
                .forEach(p -> assertTrue(p.contains("modprobe fuse") && p.contains("--device /dev/fuse"), p));
    }

    @Test
    @DisplayName("what is found is a real file: libfuse.so.2 exists, fusermount is executable")
    void found() {
        FusePrerequisites.libfuse2().ifPresent(p -> {
            assertTrue(Files.exists(p), p.toString());
            assertEquals("libfuse.so.2", p.getFileName().toString());
        });
        FusePrerequisites.fusermount().ifPresent(p -> {
            assertTrue(Files.isExecutable(p), p.toString());
            assertTrue(p.getFileName().toString().startsWith("fusermount"), p.toString());
        });
    }

    @Test
    @DisplayName("--allow-other adds a problem only for a non-root user without user_allow_other, naming the fix")
    void allowOther() {
        List<String> without = FusePrerequisites.problems(false);
        List<String> with = FusePrerequisites.problems(true);
        assertTrue(with.containsAll(without));
        assertTrue(with.size() - without.size() <= 1);
        if (FusePrerequisites.isRoot()) {
            assertEquals(without, with, "root needs no user_allow_other");
        }
        with.stream().filter(p -> p.contains("--allow-other"))
                .forEach(p -> assertTrue(p.contains("user_allow_other") && p.contains("/etc/fuse.conf"), p));
        assertFalse(without.stream().anyMatch(p -> p.contains("--allow-other")));
    }

    @Test
    @DisplayName("every problem is one sentence a user can act on")
    void sentences() {
        for (String p : FusePrerequisites.problems(true)) {
            assertFalse(p.isBlank());
            assertFalse(p.contains("\n"), p);
            assertFalse(p.contains("Exception"), p);
        }
    }
}
