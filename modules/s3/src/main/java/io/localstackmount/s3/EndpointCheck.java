package io.localstackmount.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The health probe run before mounting: is there an S3 endpoint at all, is it LocalStack, and is
 * its S3 service up? First {@code GET /_localstack/health} (never POST: that restarts LocalStack),
 * then a ListBuckets as the generic S3 liveness check. Failures come back as a result whose
 * message tells a new user what to do, not as an exception.
 */
public final class EndpointCheck {
    /** LocalStack's health path since 3.0 (the old {@code /health} is gone). */
    static final String HEALTH_PATH = "/_localstack/health";
    /** Long enough for a local container under load, short enough that a typo fails at once. */
    static final Duration TIMEOUT = Duration.ofMillis(1500);

    /** A request-level plugin: the probe answers at once, the store's retries are for the mount's requests. */
    private static final SdkPlugin ONE_ATTEMPT = c -> c.overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    private static final Pattern S3_STATE = Pattern.compile("\"s3\"\\s*:\\s*\"([A-Za-z_]+)\"");
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");

    /**
     * What the probe found.
     *
     * @param ok        the endpoint answers and S3 is usable (or at least reachable)
     * @param server    {@code LocalStack <version>}, {@code S3}, or null when nothing answered
     * @param s3State   LocalStack's state for s3 ({@code available}, {@code running}, ...), or null
     * @param message   one or two sentences for the user: what was found, or what to do
     */
    public record Result(boolean ok, String server, String s3State, String message) {

        /** LocalStack's health answer decided it: no S3 request was made, so no SDK client was needed. */
        public boolean byHealthCheck() {
            return s3State != null;
        }
    }

    private EndpointCheck() {
    }

    /** Probes with a short-lived SDK client of its own, built only if ListBuckets is needed. */
    public static Result check(S3StoreConfig config) {
        return check(config, null);
    }

    /**
     * Probes with {@code store}'s SDK client instead of a client of its own: building a client is
     * the AWS SDK's largest start-up cost, and the ListBuckets warms the client up for the mount's
     * first listing. {@code store} is asked for only if ListBuckets is needed (not for LocalStack),
     * so the store can still be under construction on another thread while the health GET runs.
     * The ListBuckets is made once, without the store's retries.
     */
    public static Result check(S3StoreConfig config, Supplier<S3ObjectStore> store) {
        if (config.endpoint() != null) {
            Result health = localStackHealth(config.endpoint(), config.endpointOrigin());
            if (health != null) {
                return health;
            }
        }
        return listBuckets(config, store);
    }

    /** The LocalStack answer, or null when the endpoint is not LocalStack (then ListBuckets decides). */
    static Result localStackHealth(URI endpoint) {
        return localStackHealth(endpoint, null);
    }

    /** As above; {@code origin} names where the endpoint was set (null: the default), for the advice. */
    static Result localStackHealth(URI endpoint, String origin) {
        URI url = endpoint.resolve(HEALTH_PATH);
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) url.toURL().openConnection();
            connection.setRequestMethod("GET");
            connection.setConnectTimeout((int) TIMEOUT.toMillis());
            connection.setReadTimeout((int) TIMEOUT.toMillis());
            connection.setInstanceFollowRedirects(false);
            int status = connection.getResponseCode();
            if (status != 200) {
                return null;
            }
            String body;
            try (InputStream in = connection.getInputStream()) {
                body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
            Matcher s3 = S3_STATE.matcher(body);
            if (!body.contains("\"services\"") || !s3.find()) {
                return null;
            }
            Matcher v = VERSION.matcher(body);
            String server = "LocalStack" + (v.find() ? " " + v.group(1) : "");
            String state = s3.group(1);
            if (state.equals("available") || state.equals("running")) {
                return new Result(true, server, state, server + " at " + endpoint + ", s3 is " + state + ".");
            }
            return new Result(false, server, state, server + " answers at " + endpoint + " but its s3 service is " + state
                    + ". Enable it (SERVICES=s3, or leave SERVICES unset) and restart LocalStack.");
        } catch (IOException e) {
            // null when something answered but not as LocalStack: then ListBuckets decides
            return unreachable(endpoint.toString(), origin, e);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private static Result listBuckets(S3StoreConfig config, Supplier<S3ObjectStore> store) {
        String where = config.endpoint() == null ? "AWS S3 (" + config.region() + ")" : config.endpoint().toString();
        try {
            if (store == null) {
                try (S3Clients.Built built = S3Clients.build(config, TIMEOUT, 1)) {
                    built.client().listBuckets();
                }
            } else {
                store.get().client().listBuckets(b -> b.overrideConfiguration(o -> o.addPlugin(ONE_ATTEMPT)));
            }
            return new Result(true, "S3", null, "S3 endpoint " + where + " answers ListBuckets.");
        } catch (SdkException e) {
            int status = S3Errors.status(e);
            if (status == 403) {
                return new Result(false, "S3", null, where + " answers but refuses the credentials (" + S3Errors.code(e)
                        + "). Check the access key and secret, or the profile, and the region.");
            }
            if (status > 0) {
                // Some servers do not implement ListBuckets (or its max-buckets): they still answered.
                return new Result(true, "S3", null, where + " answers (ListBuckets gave HTTP " + status + ").");
            }
            Result unreachable = unreachable(where, config.endpointOrigin(), e);
            return unreachable != null ? unreachable
                    : new Result(false, null, null, "Cannot talk to " + where + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return new Result(false, null, null, "Cannot talk to " + where + ": " + e.getMessage());
        }
    }

    /** A result for "nothing answers", or null when the failure is something else. */
    private static Result unreachable(String where, String origin, Throwable e) {
        // The advice depends on whether anyone chose this endpoint: the default suggests how to choose one,
        // a chosen one is checked where it was set.
        String set = origin == null ? "" : " (set by " + origin + ")";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return new Result(false, null, null, origin == null
                        ? "Nothing answers at " + where + ", LocalStack's default address. Start LocalStack (docker compose up -d,"
                                + " see README), run with --embedded to use the built-in S3 server, or name your server with --endpoint URL."
                        : "Nothing answers at " + where + set + ". Is the server running and listening on that host and port?"
                                + " Start it or correct " + origin + "; --fallback-embedded mounts the built-in S3 server when nothing answers.");
            }
            if (t instanceof UnknownHostException) {
                return new Result(false, null, null, "Cannot resolve the host of " + where + set
                        + ". Check the spelling of the host name" + (origin == null ? "" : " in " + origin) + ".");
            }
            if (t instanceof InterruptedIOException) { // socket and Apache connect timeouts
                return new Result(false, null, null, where + set + " did not answer within " + TIMEOUT.toMillis() + " ms."
                        + " Is a firewall in the way, or is the server still starting?");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
