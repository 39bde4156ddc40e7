package io.localstackmount.core;

import java.nio.charset.StandardCharsets;

/**
 * Which listed names can be path segments. S3 keys may hold segments a path cannot: empty ones
 * ({@code a//b}), {@code .}, {@code ..}, or names over 255 bytes. Such entries are hidden from
 * listings (with one warning per key, see {@link CachedNamespace}), never fatal.
 */
final class KeyNames {
    private KeyNames() {
    }

    /** Null when {@code name} can be a path segment, else why not. */
    static String whyUnrepresentable(String name) {
        if (name.isEmpty()) {
            return "it has an empty path segment (\"//\" or a leading \"/\")";
        }
        if (name.equals(".") || name.equals("..")) {
            return "\"" + name + "\" is not a usable file name";
        }
        if (name.indexOf('/') >= 0) {
            return "it holds an empty path segment";
        }
        if (name.indexOf('\0') >= 0) {
            return "it contains a NUL character";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
            return "the name is longer than 255 bytes";
        }
        return null;
    }
}
