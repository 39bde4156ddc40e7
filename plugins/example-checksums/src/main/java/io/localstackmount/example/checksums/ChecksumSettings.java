package io.localstackmount.example.checksums;

import io.localstackmount.api.PluginSetting;
import io.localstackmount.api.PluginSettings;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * This plugin's settings ({@code plugin.xattr.<setting>} in config).
 *
 * @param algorithms attribute name ({@code user.sha256}) per Java digest name ({@code SHA-256}), in order
 * @param maxBytes   larger objects answer EFBIG instead of being read
 */
record ChecksumSettings(Map<String, String> algorithms, long maxBytes) {
    /** sha256: what {@code sha256sum} prints, and what S3's own SHA-256 checksums use. */
    static final String DEFAULT_ALGORITHMS = "sha256";
    /**
     * 1 GiB: a getxattr is one blocking call that shows no progress; reading 1 GiB from a local
     * emulator takes a few seconds, which a user asking for a checksum accepts. Beyond it, run
     * sha256sum on the file instead.
     */
    static final long DEFAULT_MAX_BYTES = 1L << 30;

    private static final Map<String, String> KNOWN = Map.of(
            "md5", "MD5", "sha1", "SHA-1", "sha256", "SHA-256", "sha512", "SHA-512");

    /** The settings as the provider declares them: config refuses others and fills in these defaults. */
    static final List<PluginSetting> DECLARED = List.of(
            new PluginSetting("algorithms", DEFAULT_ALGORITHMS, PluginSetting.Type.TEXT,
                    "checksums shown as user.<name> attributes: any of md5, sha1, sha256, sha512, comma-separated"),
            PluginSetting.size("max-bytes", "1g", "larger objects answer EFBIG instead of being read through for a checksum"));

    /** Throws IllegalArgumentException naming the setting when one is wrong: the app reports it at start-up. */
    static ChecksumSettings from(PluginSettings settings) {
        Map<String, String> algorithms = new java.util.LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String raw : settings.get("algorithms", DEFAULT_ALGORITHMS).split(",")) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            String digest = KNOWN.get(name);
            if (digest == null) {
                unknown.add(name);
            } else {
                algorithms.put("user." + name, digest);
            }
        }
        if (!unknown.isEmpty() || algorithms.isEmpty()) {
            throw new IllegalArgumentException("checksums: setting algorithms takes a list of " + String.join(", ", new java.util.TreeSet<>(KNOWN.keySet()))
                    + (unknown.isEmpty() ? "" : "; unknown: " + String.join(", ", unknown)));
        }
        for (String digest : algorithms.values()) {
            try {
                MessageDigest.getInstance(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalArgumentException("checksums: this Java runtime has no " + digest, e);
            }
        }
        long maxBytes = settings.getLong("max-bytes", DEFAULT_MAX_BYTES);
        if (maxBytes < 0) {
            throw new IllegalArgumentException("checksums: setting max-bytes must not be negative, was " + maxBytes);
        }
        return new ChecksumSettings(java.util.Collections.unmodifiableMap(algorithms), maxBytes);
    }
}
