package io.localstackmount.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real uid and gid of this process, read from /proc (Java has no getuid). */
final class UserIds {
    private UserIds() {
    }

    static int uid() {
        return field("Uid:");
    }

    static int gid() {
        return field("Gid:");
    }

    private static int field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Integer.parseInt(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: root is what a container without /proc would run as
        }
        return 0;
    }
}
