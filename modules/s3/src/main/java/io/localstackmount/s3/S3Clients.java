package io.localstackmount.s3;

import java.net.URI;
import java.time.Duration;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Builds the SDK's sync S3 client (Apache HTTP client) from an {@link S3StoreConfig}. The store
 * ({@link S3ObjectStore}) and the health probe ({@link EndpointCheck}) share it.
 */
final class S3Clients {
    private static final Logger LOG = LoggerFactory.getLogger(S3Clients.class);

    private S3Clients() {
    }

    /** The client and the credentials provider it uses (the client does not close providers it did not create). */
    record Built(S3Client client, AwsCredentialsProvider credentials) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            if (credentials instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing the credentials provider failed", e);
                }
            }
        }
    }

    static Built build(S3StoreConfig config) {
        return build(config, config.connectTimeout(), config.maxAttempts());
    }

    static Built build(S3StoreConfig config, Duration connectTimeout, int maxAttempts) {
        AwsCredentialsProvider credentials = credentials(config);
        ApacheHttpClient.Builder http = ApacheHttpClient.builder()
                .maxConnections(config.maxConnections())
                .connectionTimeout(connectTimeout)
                .socketTimeout(config.socketTimeout())
                // Waiting longer than this for a pooled connection means the pool is too small: say so.
                .connectionAcquisitionTimeout(Duration.ofSeconds(30));
        if (config.endpoint() != null && "http".equalsIgnoreCase(config.endpoint().getScheme())) {
            // A plain-http endpoint never needs TLS, but the SDK would set up its TLS socket factory
            // (SSLContext, the JDK's trust store) while building the client: about 0.3 s of start-up.
            http.socketFactory(new LazyTlsSocketFactory());
        } else if (config.caBundle() != null) {
            TrustManager[] trusted = CaBundle.trustManagers(config.caBundle());
            http.tlsTrustManagersProvider(() -> trusted);
        }
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(config.pathStyle())
                .requestChecksumCalculation(config.requestChecksums() == S3StoreConfig.ChecksumMode.WHEN_REQUIRED
                        ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(config.responseChecksums() == S3StoreConfig.ChecksumMode.WHEN_REQUIRED
                        ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(config.chunkedEncoding()).build())
                .httpClientBuilder(http)
                // Bounds of a request that moves no data; S3ObjectStore gives transfers more (Deadlines).
                .overrideConfiguration(o -> o.apiCallTimeout(config.callTimeout())
                        .apiCallAttemptTimeout(config.attemptTimeout())
                        .retryStrategy(retryStrategy(maxAttempts)));
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        } else {
            // Real AWS: follow buckets into their own region instead of failing with 301.
            builder.crossRegionAccessEnabled(true);
            URI pinned = awsEndpointIfShadowed(config.region());
            if (pinned != null) {
                builder.endpointOverride(pinned);
            }
        }
        return new Built(builder.build(), credentials);
    }

    /**
     * The SDK's standard strategy: 500, 502, 503, 504, throttling (SlowDown, 429) and I/O failures
     * such as a reset connection are retried with jittered exponential backoff (100 ms base, 1 s for
     * throttling). Its circuit breaker is off: the shared token bucket it drains protects a fleet
     * from retry storms, but after an outage it would leave one user's mount without retries just
     * when the server comes back; the call deadline already bounds what retries can cost.
     */
    static StandardRetryStrategy retryStrategy(int maxAttempts) {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).circuitBreakerEnabled(false).build();
    }

    private static AwsCredentialsProvider credentials(S3StoreConfig config) {
        return switch (config.credentialsMode()) {
            case STATIC -> StaticCredentialsProvider.create(config.sessionToken() == null
                    ? AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey())
                    : AwsSessionCredentials.create(config.accessKeyId(), config.secretAccessKey(), config.sessionToken()));
            case PROFILE -> ProfileCredentialsProvider.builder().profileName(config.profile()).build();
            case DEFAULT_CHAIN -> DefaultCredentialsProvider.builder().build();
        };
    }

    /**
     * The SDK itself reads {@code AWS_ENDPOINT_URL(_S3)} and {@code aws.endpointUrl(S3)} when no
     * endpoint is set, which would silently send "real AWS" to a LocalStack URL left in the shell.
     * In that case pin the regional AWS endpoint explicitly; returns null when nothing shadows it.
     */
    private static URI awsEndpointIfShadowed(String region) {
        boolean shadowed = System.getenv("AWS_ENDPOINT_URL_S3") != null || System.getenv("AWS_ENDPOINT_URL") != null
                || System.getProperty("aws.endpointUrlS3") != null || System.getProperty("aws.endpointUrl") != null;
        if (!shadowed) {
            return null;
        }
        URI host = S3Client.serviceMetadata().endpointFor(Region.of(region));
        URI uri = URI.create("https://" + (host.getHost() != null ? host.getHost() : host.toString()));
        LOG.info("AWS_ENDPOINT_URL is set but real AWS was asked for: using {}", uri);
        return uri;
    }
}
