package io.localstackmount.app.embedded;

/**
 * The embedded S3 server could not start (port taken, data directory unusable, S3Proxy's jars
 * missing) or failed; the message is written for the user and says what to do.
 */
public final class EmbeddedS3Exception extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EmbeddedS3Exception(String message) {
        super(message);
    }

    EmbeddedS3Exception(String message, Throwable cause) {
        super(message, cause);
    }
}
