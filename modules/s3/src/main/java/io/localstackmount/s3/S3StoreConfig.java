package io.localstackmount.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one S3 endpoint: an immutable value built with {@link #builder()}. Where the values
 * come from (flags, environment, LocalStack defaults) is {@link S3ConfigResolver}'s job; turning
 * them into an SDK client is {@link S3ObjectStore}'s.
 */
public final class S3StoreConfig {

    /** Where the credentials come from. */
    public enum CredentialsMode {
        /** An access key and secret given here (LocalStack's {@code test}/{@code test} included). */
        STATIC,
        /** A named profile of {@code ~/.aws/config} and {@code ~/.aws/credentials}. */
        PROFILE,
        /** The SDK's default chain (environment, profile, SSO, container and instance roles). */
        DEFAULT_CHAIN
    }

    /** When the SDK computes (requests) or checks (responses) checksums. */
    public enum ChecksumMode {
        /** Only where the operation demands one: plain bodies, accepted by every emulator. */
        WHEN_REQUIRED,
        /** On every operation that supports one (the SDK's own default since 2.30). */
        WHEN_SUPPORTED
    }

    /** LocalStack's edge port: what a new user most likely runs. */
    public static final URI LOCALSTACK_ENDPOINT = URI.create("http://localhost:4566");
    /** The region LocalStack and the SDK assume when none is configured. */
    public static final String DEFAULT_REGION = "us-east-1";
    /** LocalStack accepts any key; {@code test} selects its default account 000000000000. */
    public static final String LOCALSTACK_ACCESS_KEY = "test";
    public static final String LOCALSTACK_SECRET_KEY = "test";

    private final URI endpoint;
    private final String region;
    private final CredentialsMode credentialsMode;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;
    private final String profile;
    private final boolean pathStyle;
    private final Boolean pathStyleSetting;
    private final ChecksumMode requestChecksums;
    private final ChecksumMode responseChecksums;
    private final boolean chunkedEncoding;
    private final int maxConnections;
    private final Duration connectTimeout;
    private final Duration socketTimeout;
    private final int maxAttempts;
    private final Duration attemptTimeout;
    private final Duration callTimeout;
    private final long minThroughput;
    private final java.nio.file.Path caBundle;
    private final String endpointOrigin;

    private S3StoreConfig(Builder b) {
        this.endpoint = b.endpoint;
        this.region = Objects.requireNonNull(b.region, "region");
        this.credentialsMode = Objects.requireNonNull(b.credentialsMode, "credentialsMode");
        this.accessKeyId = b.accessKeyId;
        this.secretAccessKey = b.secretAccessKey;
        this.sessionToken = b.sessionToken;
        this.profile = b.profile;
        this.pathStyleSetting = b.pathStyle;
        this.pathStyle = b.pathStyle != null ? b.pathStyle : b.endpoint != null;
        this.requestChecksums = Objects.requireNonNull(b.requestChecksums, "requestChecksums");
        this.responseChecksums = Objects.requireNonNull(b.responseChecksums, "responseChecksums");
        this.chunkedEncoding = b.chunkedEncoding;
        this.maxConnections = b.maxConnections;
        this.connectTimeout = Objects.requireNonNull(b.connectTimeout, "connectTimeout");
        this.socketTimeout = Objects.requireNonNull(b.socketTimeout, "socketTimeout");
        this.maxAttempts = b.maxAttempts;
        this.attemptTimeout = Objects.requireNonNull(b.attemptTimeout, "attemptTimeout");
        this.callTimeout = Objects.requireNonNull(b.callTimeout, "callTimeout");
        this.minThroughput = b.minThroughput;
        this.caBundle = b.caBundle;
        this.endpointOrigin = b.endpointOrigin;
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("socketTimeout", socketTimeout);
        requirePositive("attemptTimeout", attemptTimeout);
        requirePositive("callTimeout", callTimeout);
        if (attemptTimeout.compareTo(callTimeout) > 0) {
            throw new IllegalArgumentException("attemptTimeout (" + attemptTimeout + ") must not exceed callTimeout ("
                    + callTimeout + "): no attempt can outlast its call");
        }
        if (minThroughput < 1) {
            throw new IllegalArgumentException("minThroughput must be at least 1 byte per second, was " + minThroughput);
        }
        if (credentialsMode == CredentialsMode.STATIC && (isBlank(accessKeyId) || isBlank(secretAccessKey))) {
            throw new IllegalArgumentException("static credentials need an access key id and a secret access key");
        }
        if (credentialsMode == CredentialsMode.PROFILE && isBlank(profile)) {
            throw new IllegalArgumentException("profile credentials need a profile name");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null)) {
            throw new IllegalArgumentException("endpoint must be an absolute http(s) URL, was " + endpoint);
        }
    }

    /** The AWS SDK's version, for {@code --version} (here because this class loads no logger). */
    public static String sdkVersion() {
        return software.amazon.awssdk.core.util.VersionInfo.SDK_VERSION;
    }

    /** A builder preset for LocalStack on its default port. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.endpoint = endpoint;
        b.region = region;
        b.credentialsMode = credentialsMode;
        b.accessKeyId = accessKeyId;
        b.secretAccessKey = secretAccessKey;
        b.sessionToken = sessionToken;
        b.profile = profile;
        b.pathStyle = pathStyleSetting;
        b.requestChecksums = requestChecksums;
        b.responseChecksums = responseChecksums;
        b.chunkedEncoding = chunkedEncoding;
        b.maxConnections = maxConnections;
        b.connectTimeout = connectTimeout;
        b.socketTimeout = socketTimeout;
        b.maxAttempts = maxAttempts;
        b.attemptTimeout = attemptTimeout;
        b.callTimeout = callTimeout;
        b.minThroughput = minThroughput;
        b.caBundle = caBundle;
        b.endpointOrigin = endpointOrigin;
        return b;
    }

    /** The endpoint to talk to, or null for real AWS (the SDK's regional endpoint, virtual-hosted buckets). */
    public URI endpoint() {
        return endpoint;
    }

    public boolean isRealAws() {
        return endpoint == null;
    }

    public String region() {
        return region;
    }

    public CredentialsMode credentialsMode() {
        return credentialsMode;
    }

    /** The access key id for {@link CredentialsMode#STATIC}, else null. */
    public String accessKeyId() {
        return accessKeyId;
    }

    /** The secret for {@link CredentialsMode#STATIC}, else null. Never log it. */
    public String secretAccessKey() {
        return secretAccessKey;
    }

    /** A session token that goes with temporary static credentials, or null. */
    public String sessionToken() {
        return sessionToken;
    }

    /** The profile name for {@link CredentialsMode#PROFILE}, else null. */
    public String profile() {
        return profile;
    }

    public boolean pathStyle() {
        return pathStyle;
    }

    public ChecksumMode requestChecksums() {
        return requestChecksums;
    }

    public ChecksumMode responseChecksums() {
        return responseChecksums;
    }

    public boolean chunkedEncoding() {
        return chunkedEncoding;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration socketTimeout() {
        return socketTimeout;
    }

    /** Attempts per request, the first one included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The longest one attempt of a request that moves no data may take; transfers get more ({@link #minThroughput()}). */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    /** The longest a request that moves no data may take, every attempt and backoff included; transfers get more. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** Bytes per second a transfer must at least move: a request of n bytes gets n / this more time. */
    public long minThroughput() {
        return minThroughput;
    }

    /** PEM certificates that replace the JDK's trusted CAs for https (AWS_CA_BUNDLE, a profile's ca_bundle), or null. */
    public java.nio.file.Path caBundle() {
        return caBundle;
    }

    /** Where the endpoint was set ({@code --endpoint}, {@code AWS_ENDPOINT_URL}, a file and line), or null for the default; for messages. */
    public String endpointOrigin() {
        return endpointOrigin;
    }

    /** For logs: {@code http://localhost:4566 (us-east-1)} or {@code AWS S3 (eu-west-1)}. */
    public String describe() {
        return (endpoint == null ? "AWS S3" : endpoint.toString()) + " (" + region + ")";
    }

    private static void requirePositive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be more than 0 (0 would mean waiting forever), was " + d);
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof S3StoreConfig c
                && Objects.equals(endpoint, c.endpoint) && region.equals(c.region)
                && credentialsMode == c.credentialsMode && Objects.equals(accessKeyId, c.accessKeyId)
                && Objects.equals(secretAccessKey, c.secretAccessKey) && Objects.equals(sessionToken, c.sessionToken)
                && Objects.equals(profile, c.profile) && pathStyle == c.pathStyle
                && requestChecksums == c.requestChecksums && responseChecksums == c.responseChecksums
                && chunkedEncoding == c.chunkedEncoding && maxConnections == c.maxConnections
                && connectTimeout.equals(c.connectTimeout) && socketTimeout.equals(c.socketTimeout)
                && maxAttempts == c.maxAttempts && attemptTimeout.equals(c.attemptTimeout)
                && callTimeout.equals(c.callTimeout) && minThroughput == c.minThroughput
                && Objects.equals(caBundle, c.caBundle);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoint, region, credentialsMode, accessKeyId, profile, pathStyle);
    }

    /** Never shows the secret or the session token. */
    @Override
    public String toString() {
        String credentials = switch (credentialsMode) {
            case STATIC -> "static " + Secrets.keyId(accessKeyId) + "/" + Secrets.MASK + (sessionToken != null ? " +session" : "");
            case PROFILE -> "profile " + profile;
            case DEFAULT_CHAIN -> "default chain";
        };
        return "S3StoreConfig{" + describe() + ", credentials=" + credentials + ", pathStyle=" + pathStyle
                + ", requestChecksums=" + requestChecksums + ", responseChecksums=" + responseChecksums
                + ", chunkedEncoding=" + chunkedEncoding + ", maxConnections=" + maxConnections
                + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout
                + ", maxAttempts=" + maxAttempts + ", attemptTimeout=" + attemptTimeout + ", callTimeout=" + callTimeout
                + ", minThroughput=" + minThroughput + "}";
    }

    /** Starts as LocalStack on {@code localhost:4566} with {@code test}/{@code test}; every setter overrides one value. */
    public static final class Builder {
        // LocalStack on its edge port: the tool's name says what it is for.
        private URI endpoint = LOCALSTACK_ENDPOINT;
        // us-east-1: LocalStack's default, and the one region whose CreateBucket needs no LocationConstraint.
        private String region = DEFAULT_REGION;
        // test/test: LocalStack accepts any key and maps "test" to its default account.
        private CredentialsMode credentialsMode = CredentialsMode.STATIC;
        private String accessKeyId = LOCALSTACK_ACCESS_KEY;
        private String secretAccessKey = LOCALSTACK_SECRET_KEY;
        private String sessionToken;
        private String profile;
        // null = decide at build(): path-style whenever an endpoint is set, since emulators on
        // localhost cannot serve bucket.localhost host names; virtual-hosted on real AWS.
        private Boolean pathStyle;
        // WHEN_REQUIRED: plain bodies that every emulator stores byte-exact (design notes), and no CRC32 pass over each upload.
        private ChecksumMode requestChecksums = ChecksumMode.WHEN_REQUIRED;
        // WHEN_REQUIRED: ranged reads carry no whole-object checksum anyway; old LocalStack sends none.
        private ChecksumMode responseChecksums = ChecksumMode.WHEN_REQUIRED;
        // off: aws-chunked framing is stored as data by some emulators; a plain body with Content-Length is universal.
        private boolean chunkedEncoding = false;
        // 64: FUSE serves calls on many threads and each read or upload holds one connection for its
        // whole transfer; a little above the SDK's 50 leaves room for parallel transfers, small enough for an emulator.
        private int maxConnections = 64;
        // 2 s: a local or same-region endpoint connects in milliseconds; a dead one must fail fast, not hang a FUSE call.
        private Duration connectTimeout = Duration.ofSeconds(2);
        // 30 s: the SDK default; a big GET or PUT may legitimately pause that long under load.
        private Duration socketTimeout = Duration.ofSeconds(30);
        // 3: the SDK's standard mode; with fast connection failures a stopped server still answers EIO within a second or two.
        private int maxAttempts = 3;
        // 10 s: S3 and a local emulator answer a HEAD or a page of 1,000 keys in well under a second, and
        // LocalStack busy with other services in seconds; an attempt still silent after 10 s is retried.
        private Duration attemptTimeout = Duration.ofSeconds(10);
        // 30 s: the bound on a stat, ls or open that waits for S3, retries included: a stalled server
        // costs a shell at most the SDK's one socket timeout, where three attempts used to cost 90 s.
        private Duration callTimeout = Duration.ofSeconds(30);
        // 256 KiB/s: a request moving n bytes gets n / 256 KiB more seconds (an 8 MiB part 32 s): a 10 Mbit/s
        // uplink shared by four parallel parts still beats it, while a server trickling bytes is given up on.
        private long minThroughput = 256L * 1024;
        // null = the JDK's own trusted CAs, as every Java program; AWS_CA_BUNDLE replaces them as it does for the AWS CLI.
        private java.nio.file.Path caBundle;
        // null = the LocalStack default was used: messages then suggest how to set one.
        private String endpointOrigin;

        private Builder() {
        }

        public Builder caBundle(java.nio.file.Path bundle) {
            this.caBundle = bundle;
            return this;
        }

        public Builder endpointOrigin(String origin) {
            this.endpointOrigin = origin;
            return this;
        }

        /** The endpoint URL, or null for real AWS. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** Real AWS: no endpoint override, the SDK's regional endpoint. */
        public Builder realAws() {
            return endpoint(null);
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder staticCredentials(String accessKeyId, String secretAccessKey) {
            return staticCredentials(accessKeyId, secretAccessKey, null);
        }

        public Builder staticCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
            this.credentialsMode = CredentialsMode.STATIC;
            this.accessKeyId = accessKeyId;
            this.secretAccessKey = secretAccessKey;
            this.sessionToken = sessionToken;
            this.profile = null;
            return this;
        }

        public Builder profileCredentials(String profile) {
            this.credentialsMode = CredentialsMode.PROFILE;
            this.profile = profile;
            this.accessKeyId = null;
            this.secretAccessKey = null;
            this.sessionToken = null;
            return this;
        }

        public Builder defaultCredentialsChain() {
            this.credentialsMode = CredentialsMode.DEFAULT_CHAIN;
            this.profile = null;
            this.accessKeyId = null;
            this.secretAccessKey = null;
            this.sessionToken = null;
            return this;
        }

        /** Forces path-style (true) or virtual-hosted (false) addressing; by default path-style iff an endpoint is set. */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        public Builder requestChecksums(ChecksumMode mode) {
            this.requestChecksums = mode;
            return this;
        }

        public Builder responseChecksums(ChecksumMode mode) {
            this.responseChecksums = mode;
            return this;
        }

        public Builder chunkedEncoding(boolean enabled) {
            this.chunkedEncoding = enabled;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = timeout;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder attemptTimeout(Duration timeout) {
            this.attemptTimeout = timeout;
            return this;
        }

        public Builder callTimeout(Duration timeout) {
            this.callTimeout = timeout;
            return this;
        }

        /** Bytes per second. */
        public Builder minThroughput(long bytesPerSecond) {
            this.minThroughput = bytesPerSecond;
            return this;
        }

        public S3StoreConfig build() {
            return new S3StoreConfig(this);
        }
    }
}
