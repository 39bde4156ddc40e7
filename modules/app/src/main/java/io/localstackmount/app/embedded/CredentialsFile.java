package io.localstackmount.app.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a user finds the embedded server's endpoint and credentials for aws-cli or an SDK, since
 * the log names the file but never the secret: a shell file of {@code export} lines, readable by its
 * owner only, written when the server starts and deleted when it stops.
 *
 * <pre>
 *   . ~/.local/state/localstackmount/embedded-4566.env && aws s3 ls
 * </pre>
 */
public final class CredentialsFile {
    private CredentialsFile() {
    }

    /**
     * Writes {@code embedded-<port>.env} into {@code dir} (a private folder the caller checked), mode
     * 0600 from the start; answers its path.
     */
    public static Path write(Path dir, EmbeddedS3Server server, String region) throws IOException {
        Path file = dir.resolve("embedded-" + server.endpoint().getPort() + ".env");
        String text = "# localstackmount's embedded S3 server (process " + ProcessHandle.current().pid() + "), valid while"
                + " it runs. Use: . " + file + "\n"
                + "export AWS_ENDPOINT_URL=" + server.endpoint() + "\n"
                + "export AWS_ACCESS_KEY_ID=" + server.credentials().accessKey() + "\n"
                + "export AWS_SECRET_ACCESS_KEY=" + server.credentials().secretKey() + "\n"
                + "export AWS_REGION=" + region + "\n";
        Path temp = Files.createTempFile(dir, ".embedded-", ".env", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return file;
    }
}
