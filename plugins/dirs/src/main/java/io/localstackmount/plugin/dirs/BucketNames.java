package io.localstackmount.plugin.dirs;

import java.util.regex.Pattern;

/** S3's bucket naming rules, checked before asking the server so that the user learns why. */
final class BucketNames {
    private static final Pattern ALLOWED = Pattern.compile("[a-z0-9][a-z0-9.-]*[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

    private BucketNames() {
    }

    /** Null when {@code name} is a valid bucket name, else why not. */
    static String whyInvalid(String name) {
        if (name.length() < 3 || name.length() > 63) {
            return "bucket names have 3 to 63 characters";
        }
        if (!ALLOWED.matcher(name).matches()) {
            return "bucket names use only lower-case letters, digits, '.' and '-', and start and end with a letter or digit";
        }
        if (name.contains("..") || name.contains(".-") || name.contains("-.")) {
            return "bucket names have no '..', '.-' or '-.'";
        }
        if (IP_ADDRESS.matcher(name).matches()) {
            return "bucket names must not look like an IP address";
        }
        if (name.startsWith("xn--") || name.startsWith("sthree-") || name.endsWith("-s3alias") || name.endsWith("--ol-s3")) {
            return "that prefix or suffix is reserved by S3";
        }
        return null;
    }
}
