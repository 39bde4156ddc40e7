package io.localstackmount.s3;

/**
 * How credentials appear wherever a person can read them (logs, {@code --print-config}, messages):
 * a secret never, an access key id only by its last four characters, enough to tell two keys apart.
 */
public final class Secrets {
    /** What stands for a secret, or for the hidden part of a key id. */
    public static final String MASK = "****";
    /** Shorter ids show nothing: four characters of {@code test} would be all of it. */
    private static final int SHOWN_FROM_LENGTH = 8;

    private Secrets() {
    }

    /** {@code ****} whatever the secret, so not even its length shows. */
    public static String secret(String secret) {
        return MASK;
    }

    /** {@code ****WXYZ} for {@code AKIAIOSFODNN7EXAMPLEWXYZ}; {@code ****} for a key id shorter than eight characters. */
    public static String keyId(String accessKeyId) {
        if (accessKeyId == null || accessKeyId.length() < SHOWN_FROM_LENGTH) {
            return MASK;
        }
        return MASK + accessKeyId.substring(accessKeyId.length() - 4);
    }
}
