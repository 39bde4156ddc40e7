package io.localstackmount.app;

import java.util.List;
import java.util.Optional;

/**
 * The options that set configuration keys, in the order {@code --help} shows them: one table, so
 * that a flag, its {@code -o} spelling and its configuration key can never drift apart. The parser
 * ({@link CliParser}) builds its options from it, {@link MountOptionList} accepts every name here
 * without its dashes ({@code -o endpoint=URL}, {@code -o read-only}) besides the keys themselves.
 * Options that say what to do rather than what to configure ({@code --config}, {@code --daemon},
 * {@code -o}) are the parser's own.
 */
final class CliFlags {

    /** Where a flag shows in {@code --help}. */
    enum Section {
        S3("S3 endpoint (flags first, then AWS_* variables and ~/.aws/config, then LocalStack's defaults):"),
        MOUNT("Mount:"),
        LOG("Logging:");

        final String heading;

        Section(String heading) {
            this.heading = heading;
        }
    }

    /**
     * One option.
     *
     * @param name        {@code --endpoint}
     * @param label       the value's label in {@code --help}, or null for a switch
     * @param keys        the configuration keys it sets (--ttl sets two)
     * @param switchValue the value a switch gives its keys; null for options with a value
     * @param section     where --help lists it
     * @param description one line for --help
     */
    record Flag(String name, String label, List<String> keys, String switchValue, Section section, String description) {
        boolean isSwitch() {
            return switchValue != null;
        }

        /** The name without its dashes, as {@code -o} takes it. */
        String bare() {
            return name.substring(2);
        }
    }

    static final List<Flag> ALL = List.of(
            valued("--endpoint", "URL", "s3.endpoint", Section.S3, "S3 endpoint, e.g. http://localhost:4566; 'aws' for real AWS S3"),
            valued("--region", "REGION", "s3.region", Section.S3, "region (default: the profile's, else us-east-1)"),
            valued("--profile", "NAME", "s3.profile", Section.S3, "profile of ~/.aws/config and ~/.aws/credentials"),
            on("--embedded", "embedded", "always", Section.S3, "start the built-in S3 server and mount it"),
            on("--fallback-embedded", "embedded", "fallback", Section.S3, "use the endpoint if it answers, else the built-in S3 server"),
            valued("--embedded-data", "DIR", "embedded.data-dir", Section.S3,
                    "where the built-in server keeps its buckets (default ~/.local/share/localstackmount/embedded)"),
            valued("--bucket", "NAME[/PREFIX]", "mount.bucket", Section.MOUNT, "show only this bucket, or only the objects under PREFIX in it"),
            on("--read-only", "mount.read-only", "true", Section.MOUNT, "refuse every change (EROFS)"),
            on("--allow-other", "mount.allow-other", "true", Section.MOUNT, "let other users see the mount"),
            valued("--uid", "N", "mount.uid", Section.MOUNT, "owner of objects that carry none (default: you)"),
            valued("--gid", "N", "mount.gid", Section.MOUNT, "group of objects that carry none (default: yours)"),
            valued("--umask", "OCTAL", "mount.umask", Section.MOUNT, "mode bits removed from objects that carry no mode (default 022)"),
            new Flag("--ttl", "SECONDS", List.of("metadata.ttl", "metadata.negative-ttl"), null, Section.MOUNT,
                    "how long attributes and listings are cached (default 2; 0 = ask S3 every time)"),
            valued("--staging-dir", "DIR", "mount.staging-dir", Section.MOUNT, "where written files wait for upload (default: ~/.local/state/localstackmount/staging)"),
            valued("--busy-timeout", "SECONDS", "mount.busy-timeout", Section.MOUNT,
                    "how long unmount waits for a busy mount before detaching it (default 10)"),
            on("--nonempty", "mount.nonempty", "true", Section.MOUNT, "mount over a folder that is not empty (its files are hidden meanwhile)"),
            on("--debug", "mount.debug", "true", Section.LOG, "log every filesystem operation with its result and time"),
            valued("--log-file", "FILE", "log.file", Section.LOG, "append the log to FILE instead of the terminal"),
            valued("--log-level", "LEVEL", "log.level", Section.LOG, "error, warn, info (default), debug or trace"));

    private CliFlags() {
    }

    private static Flag valued(String name, String label, String key, Section section, String description) {
        return new Flag(name, label, List.of(key), null, section, description);
    }

    private static Flag on(String name, String key, String value, Section section, String description) {
        return new Flag(name, null, List.of(key), value, section, description);
    }

    /** The flag called {@code name} ({@code --ttl}), if any. */
    static Optional<Flag> byName(String name) {
        return ALL.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** The flag that sets {@code key}, for messages and docs. */
    static Optional<Flag> forKey(String key) {
        return ALL.stream().filter(f -> f.keys().contains(key)).findFirst();
    }
}
