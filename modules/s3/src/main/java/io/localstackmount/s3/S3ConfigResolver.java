package io.localstackmount.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides endpoint, region and credentials from command-line flags and the environment, and says
 * where each value came from. The environment is a map; the one file read is the AWS config file
 * ({@link AwsProfileSettings}: the profile named by --profile, AWS_PROFILE, else {@code default}).
 *
 * <p>Precedence, first match wins:
 * <pre>
 * endpoint     --endpoint, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, LOCALSTACK_ENDPOINT, LOCALSTACK_HOST,
 *              the profile's services s3 endpoint_url, its endpoint_url, http://localhost:4566
 *              (the value "aws" anywhere means real AWS: no endpoint override; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
 *              =true skips the AWS_ENDPOINT_URL variables and the profile's, as for the AWS CLI)
 * region       --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, us-east-1
 * CA bundle    AWS_CA_BUNDLE, the profile's ca_bundle (for https only)
 * credentials  --profile, AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), AWS_PROFILE,
 *              then the SDK default chain on real AWS, else LocalStack's test/test
 * </pre>
 * Each value falls back on its own: setting only {@code AWS_PROFILE} still talks to LocalStack on
 * localhost; real AWS must be asked for with {@code aws}. The resulting config is built by
 * {@link S3StoreConfig}; other settings (checksums, connections) keep its defaults.
 */
public final class S3ConfigResolver {
    /** The endpoint value that means "real AWS, the SDK's own regional endpoint". */
    public static final String REAL_AWS = "aws";

    /**
     * The outcome: the config, and one line per value saying where it came from (secrets masked).
     *
     * @param config  the resolved store config
     * @param sources lines like {@code endpoint: http://localhost:4566 (LocalStack default)}
     */
    public record Resolution(S3StoreConfig config, List<String> sources) {
        public Resolution {
            sources = List.copyOf(sources);
        }

        /** The source lines joined by newlines, for {@code --print-config} and the start-up log. */
        public String description() {
            return String.join("\n", sources);
        }
    }

    private S3ConfigResolver() {
    }

    /**
     * Resolves the config.
     *
     * @param endpointFlag {@code --endpoint}, or null
     * @param regionFlag   {@code --region}, or null
     * @param profileFlag  {@code --profile}, or null
     * @param env          the process environment (tests pass their own map)
     * @throws IllegalArgumentException when an endpoint value is not a URL; the message names its source
     */
    public static Resolution resolve(String endpointFlag, String regionFlag, String profileFlag, Map<String, String> env) {
        return resolve(endpointFlag, regionFlag, profileFlag, env, Path.of(System.getProperty("user.home")));
    }

    /** {@link #resolve(String, String, String, Map)} with the home folder whose {@code .aws/config} is read. */
    public static Resolution resolve(String endpointFlag, String regionFlag, String profileFlag, Map<String, String> env, Path home) {
        List<String> sources = new ArrayList<>();
        S3StoreConfig.Builder builder = S3StoreConfig.builder();
        AwsProfileSettings profileFile = AwsProfileSettings.load(blankToNull(profileFlag), env, home);
        boolean ignoreConfigured = "true".equalsIgnoreCase(env.getOrDefault("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").trim());

        Choice endpoint = first(
                flag(endpointFlag, "--endpoint"),
                ignoreConfigured ? null : fromEnv(env, "AWS_ENDPOINT_URL_S3"),
                ignoreConfigured ? null : fromEnv(env, "AWS_ENDPOINT_URL"),
                fromEnv(env, "LOCALSTACK_ENDPOINT"),
                localStackHost(env),
                profileFile.endpoint() == null ? null : new Choice(profileFile.endpoint(), profileFile.endpointFrom()));
        boolean realAws;
        if (endpoint == null) {
            realAws = false;
            builder.endpoint(S3StoreConfig.LOCALSTACK_ENDPOINT);
            sources.add("endpoint: " + S3StoreConfig.LOCALSTACK_ENDPOINT + " (LocalStack default; nothing configured)");
        } else if (endpoint.value.equalsIgnoreCase(REAL_AWS)) {
            realAws = true;
            builder.realAws().endpointOrigin(endpoint.source);
            sources.add("endpoint: AWS S3, the SDK's regional endpoint (from " + endpoint.source + ")");
        } else {
            realAws = false;
            URI uri = parseEndpoint(endpoint);
            builder.endpoint(uri).endpointOrigin(endpoint.source);
            sources.add("endpoint: " + uri + " (from " + endpoint.source + ")");
        }

        Choice region = first(flag(regionFlag, "--region"), fromEnv(env, "AWS_REGION"), fromEnv(env, "AWS_DEFAULT_REGION"),
                profileFile.region() == null ? null
                        : new Choice(profileFile.region(), "region of profile " + profileFile.profile() + " in " + profileFile.file()));
        if (region == null) {
            builder.region(S3StoreConfig.DEFAULT_REGION);
            sources.add("region: " + S3StoreConfig.DEFAULT_REGION + " (default)");
        } else {
            builder.region(region.value);
            sources.add("region: " + region.value + " (from " + region.source + ")");
        }

        String accessKey = value(env, "AWS_ACCESS_KEY_ID");
        String secretKey = value(env, "AWS_SECRET_ACCESS_KEY");
        String profileEnv = value(env, "AWS_PROFILE");
        String profile = blankToNull(profileFlag);
        if (profile != null) {
            builder.profileCredentials(profile);
            sources.add("credentials: profile " + profile + " (from --profile)");
        } else if (accessKey != null && secretKey != null) {
            String token = value(env, "AWS_SESSION_TOKEN");
            builder.staticCredentials(accessKey, secretKey, token);
            sources.add("credentials: access key " + Secrets.keyId(accessKey) + ", secret " + Secrets.secret(secretKey)
                    + (token != null ? ", session token" : "")
                    + " (from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" + (token != null ? "/AWS_SESSION_TOKEN" : "") + ")");
        } else if (profileEnv != null) {
            builder.profileCredentials(profileEnv);
            sources.add("credentials: profile " + profileEnv + " (from AWS_PROFILE)");
        } else if (realAws) {
            builder.defaultCredentialsChain();
            sources.add("credentials: the SDK default chain (environment, ~/.aws, SSO, instance role)");
        } else {
            builder.staticCredentials(S3StoreConfig.LOCALSTACK_ACCESS_KEY, S3StoreConfig.LOCALSTACK_SECRET_KEY);
            sources.add("credentials: access key " + Secrets.keyId(S3StoreConfig.LOCALSTACK_ACCESS_KEY) + ", secret "
                    + Secrets.secret(S3StoreConfig.LOCALSTACK_SECRET_KEY)
                    + " (LocalStack default; nothing configured)");
        }
        if ((accessKey == null) != (secretKey == null) && profile == null) {
            sources.add("note: " + (accessKey == null ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID")
                    + " is set without its partner and was ignored");
        }

        Choice bundle = first(fromEnv(env, "AWS_CA_BUNDLE"), profileFile.caBundle() == null ? null
                : new Choice(profileFile.caBundle(), "ca_bundle of profile " + profileFile.profile() + " in " + profileFile.file()));
        boolean https = realAws || "https".equals(builder.build().endpoint().getScheme());
        if (bundle != null && https) {
            Path file = Path.of(bundle.value.startsWith("~/") ? home.resolve(bundle.value.substring(2)).toString() : bundle.value);
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new IllegalArgumentException("the CA bundle " + file + " (from " + bundle.source + ") is not a readable file;"
                        + " it should hold the PEM certificates to trust for https");
            }
            builder.caBundle(file);
            sources.add("CA bundle: " + file + " (from " + bundle.source + ")");
        } else if (bundle != null) {
            sources.add("CA bundle: " + bundle.value + " (from " + bundle.source + ") not needed: the endpoint is plain http");
        }

        return new Resolution(builder.build(), sources);
    }

    /**
     * LocalStack's own tools (awslocal, the LocalStack CLI) reach it at {@code LOCALSTACK_HOST}, {@code host[:port]}
     * with 4566 when no port is given.
     */
    private static Choice localStackHost(Map<String, String> env) {
        String host = value(env, "LOCALSTACK_HOST");
        if (host == null) {
            return null;
        }
        String hostPort = host.contains("://") ? host : "http://" + host + (host.matches(".*:\\d+$") ? "" : ":4566");
        return new Choice(hostPort, "LOCALSTACK_HOST");
    }

    /** Accepts {@code http://host:port}, {@code https://host}, and {@code host:port} (taken as http). */
    private static URI parseEndpoint(Choice endpoint) {
        String text = endpoint.value;
        if (!text.contains("://")) {
            text = "http://" + text;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException("endpoint from " + endpoint.source + " is not an http(s) URL: " + endpoint.value);
            }
            String path = uri.getPath();
            if (path != null && !path.isEmpty() && !path.equals("/")) {
                throw new IllegalArgumentException("endpoint from " + endpoint.source + " must not have a path: " + endpoint.value);
            }
            return new URI(scheme, null, uri.getHost(), uri.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("endpoint from " + endpoint.source + " is not a URL: " + endpoint.value, e);
        }
    }

    private record Choice(String value, String source) {
    }

    private static Choice flag(String value, String name) {
        String v = blankToNull(value);
        return v == null ? null : new Choice(v, name);
    }

    private static Choice fromEnv(Map<String, String> env, String name) {
        String v = value(env, name);
        return v == null ? null : new Choice(v, name);
    }

    private static Choice first(Choice... choices) {
        for (Choice c : choices) {
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private static String value(Map<String, String> env, String name) {
        return blankToNull(env.get(name));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
