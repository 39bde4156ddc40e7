package io.localstackmount.app;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which buckets the mount shows: all of them (the default), those whose names match a filter
 * ({@code mount.bucket-filter = app-*, logs}), or one bucket, optionally only the objects under a
 * prefix of it ({@code mount.bucket = data/exports/2024}). {@link ScopedObjectStore} applies it.
 *
 * @param bucket the one bucket, or null
 * @param prefix with {@code bucket}: the key prefix shown as the bucket's content, ending in
 *               {@code /}; empty for the whole bucket
 * @param filter glob patterns ({@code *} and {@code ?}) a bucket name must match one of; empty
 *               for no filter
 */
record BucketScope(String bucket, String prefix, List<String> filter) {
    static final BucketScope ALL = new BucketScope(null, "", List.of());

    BucketScope {
        filter = List.copyOf(filter);
    }

    /** {@code bucket} or {@code bucket/some/prefix}; slashes around the prefix are optional. */
    static BucketScope of(String spec) {
        String s = spec.trim();
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        if (s.startsWith("s3://")) {
            s = s.substring("s3://".length());
        }
        int slash = s.indexOf('/');
        String bucket = slash < 0 ? s : s.substring(0, slash);
        String prefix = slash < 0 ? "" : s.substring(slash + 1).replaceAll("/+", "/");
        while (prefix.startsWith("/")) {
            prefix = prefix.substring(1);
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        if (!validBucketName(bucket)) {
            throw new IllegalArgumentException("'" + bucket + "' is not a bucket name (3-63 characters: a-z, 0-9, '.', '-')");
        }
        for (String segment : prefix.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("the prefix of '" + spec + "' has a '" + segment + "' segment");
            }
        }
        return new BucketScope(bucket, prefix, List.of());
    }

    /** A comma-separated list of bucket names or glob patterns. */
    static BucketScope filter(String patterns) {
        List<String> list = List.of(patterns.split(",")).stream().map(String::trim).filter(p -> !p.isEmpty())
                .collect(Collectors.toList());
        if (list.isEmpty()) {
            throw new IllegalArgumentException("the filter names no bucket");
        }
        for (String p : list) {
            if (!p.matches("[a-z0-9.*?-]+")) {
                throw new IllegalArgumentException("'" + p + "' is not a bucket name or pattern (a-z, 0-9, '.', '-', '*', '?')");
            }
        }
        return new BucketScope(null, "", list);
    }

    boolean isAll() {
        return bucket == null && filter.isEmpty();
    }

    /** True when the mount shows {@code name}. */
    boolean shows(String name) {
        if (bucket != null) {
            return bucket.equals(name);
        }
        if (filter.isEmpty()) {
            return true;
        }
        for (String p : filter) {
            if (glob(p).matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    static boolean validBucketName(String name) {
        // S3's rules, loosely: emulators accept a little more, and AWS will say so itself.
        return name.length() >= 3 && name.length() <= 63 && name.equals(name.toLowerCase(Locale.ROOT))
                && name.matches("[a-z0-9][a-z0-9.-]*[a-z0-9]");
    }

    /** For messages and {@code --print-config}: {@code all buckets}, {@code bucket b}, {@code s3://b/p/}. */
    String describe() {
        if (bucket != null) {
            return prefix.isEmpty() ? "bucket " + bucket : "s3://" + bucket + "/" + prefix;
        }
        return filter.isEmpty() ? "all buckets" : "buckets matching " + String.join(", ", filter);
    }
}
