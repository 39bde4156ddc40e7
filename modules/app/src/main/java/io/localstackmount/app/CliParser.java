package io.localstackmount.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Parses the command line into {@link CliOptions}; a mistake is an {@link IllegalArgumentException} saying which. */
final class CliParser {
    static final String USAGE = """
            Usage: localstackmount [OPTIONS] [MOUNTPOINT]

            Mounts every bucket of an S3 endpoint (LocalStack by default) as a folder of MOUNTPOINT
            (default ~/mount/localstack). Runs in the foreground; Ctrl-C unmounts.

            S3 endpoint (flags first, then AWS_ENDPOINT_URL, AWS_REGION, AWS_PROFILE,
            AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then LOCALSTACK_ENDPOINT, then LocalStack's defaults):
              --endpoint URL          S3 endpoint, e.g. http://localhost:4566; 'aws' for real AWS S3
              --region REGION         region (default us-east-1)
              --profile NAME          credentials profile from ~/.aws
              --embedded              start the built-in S3 server and mount it
              --fallback-embedded     use the endpoint if it answers, else the built-in S3 server
              --embedded-data DIR     where the built-in server keeps its buckets
                                      (default ~/.local/share/localstackmount/embedded)

            Mount:
              --read-only             refuse every change (EROFS)
              --allow-other           let other users see the mount
              --uid N, --gid N        owner of objects that carry none (default: you)
              --umask OCTAL           mode bits removed from objects that carry no mode (default 022)
              --ttl SECONDS           how long attributes and listings are cached (default 2; 0 = ask S3 every time)
              --staging-dir DIR       where written files wait for upload (default: the temp folder)
              --busy-timeout SECONDS  how long unmount waits for a busy mount before detaching it (default 10)
              --debug                 log every filesystem operation with its result and time
              -h, --help              this text
            """;

    private CliParser() {
    }

    static CliOptions parse(List<String> args) {
        Path mountPoint = null;
        String endpoint = null;
        String region = null;
        String profile = null;
        boolean readOnly = false;
        boolean allowOther = false;
        boolean debug = false;
        Integer uid = null;
        Integer gid = null;
        int umask = 0022;
        Duration ttl = null;
        Path stagingDir = null;
        CliOptions.Embedded embedded = CliOptions.Embedded.NO;
        Path embeddedData = null;
        Duration busyTimeout = Duration.ofSeconds(10);
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String inlineValue = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                inlineValue = arg.substring(arg.indexOf('=') + 1);
                arg = arg.substring(0, arg.indexOf('='));
            }
            switch (arg) {
                case "-h", "--help" -> help = true;
                case "--endpoint" -> endpoint = inlineValue != null ? inlineValue : value(args, ++i, arg);
                case "--region" -> region = inlineValue != null ? inlineValue : value(args, ++i, arg);
                case "--profile" -> profile = inlineValue != null ? inlineValue : value(args, ++i, arg);
                case "--read-only" -> readOnly = true;
                case "--allow-other" -> allowOther = true;
                case "--debug" -> debug = true;
                case "--uid" -> uid = number(inlineValue != null ? inlineValue : value(args, ++i, arg), arg, 10);
                case "--gid" -> gid = number(inlineValue != null ? inlineValue : value(args, ++i, arg), arg, 10);
                case "--umask" -> umask = number(inlineValue != null ? inlineValue : value(args, ++i, arg), arg, 8) & 0777;
                case "--ttl" -> ttl = seconds(inlineValue != null ? inlineValue : value(args, ++i, arg), arg);
                case "--staging-dir" -> stagingDir = Path.of(inlineValue != null ? inlineValue : value(args, ++i, arg));
                case "--embedded" -> embedded = CliOptions.Embedded.ALWAYS;
                case "--fallback-embedded" -> embedded = CliOptions.Embedded.FALLBACK;
                case "--embedded-data" -> embeddedData = Path.of(inlineValue != null ? inlineValue : value(args, ++i, arg));
                case "--busy-timeout" -> busyTimeout = seconds(inlineValue != null ? inlineValue : value(args, ++i, arg), arg);
                default -> {
                    if (arg.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + arg);
                    }
                    if (mountPoint != null) {
                        throw new IllegalArgumentException("only one mount point, please: got " + mountPoint + " and " + arg);
                    }
                    mountPoint = Path.of(arg);
                }
            }
        }
        return new CliOptions(mountPoint, endpoint, region, profile, readOnly, allowOther, debug, uid, gid, umask,
                ttl, stagingDir, embedded, embeddedData, busyTimeout, help);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static int number(String value, String option, int radix) {
        try {
            int n = Integer.parseInt(value, radix);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a " + (radix == 8 ? "octal " : "") + "number, not '" + value + "'");
        }
    }

    private static Duration seconds(String value, String option) {
        try {
            double s = Double.parseDouble(value);
            if (s < 0 || Double.isNaN(s)) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis((long) (s * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes seconds, not '" + value + "'");
        }
    }
}
