package io.localstackmount.s3;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * What the AWS CLI would take from {@code ~/.aws/config} for S3: the profile's {@code region},
 * {@code endpoint_url} (its {@code services} section's {@code s3 = endpoint_url} first, as the CLI
 * and the SDKs rank them) and {@code ca_bundle}. Read with the SDK's own parser, from the file
 * {@code AWS_CONFIG_FILE} names or {@code ~/.aws/config}, found through the environment map given, so
 * tests can point it at a file of their own. Credentials are not read here: the SDK's profile
 * provider does that (static keys, {@code role_arn} through sts, {@code sso_*} through sso).
 *
 * @param profile      the profile read, {@code default} when none was named
 * @param region       its region, or null
 * @param endpoint     its S3 endpoint, or null
 * @param endpointFrom where the endpoint came from, for messages ({@code [services x] s3.endpoint_url of profile p})
 * @param caBundle     its {@code ca_bundle}, or null
 * @param file         the config file read (it may not exist)
 */
public record AwsProfileSettings(String profile, String region, String endpoint, String endpointFrom, String caBundle, Path file) {

    /** The settings of {@code profile} (null: AWS_PROFILE, else {@code default}); empty values when there is no file. */
    public static AwsProfileSettings load(String profile, Map<String, String> env, Path home) {
        String name = profile != null ? profile : nonBlank(env.get("AWS_PROFILE")).orElse("default");
        Path file = nonBlank(env.get("AWS_CONFIG_FILE")).map(p -> p.startsWith("~/")
                ? home.resolve(p.substring(2)) : Path.of(p)).orElse(home.resolve(".aws").resolve("config"));
        if (!Files.isRegularFile(file)) {
            return new AwsProfileSettings(name, null, null, null, null, file);
        }
        ProfileFile config;
        try {
            config = ProfileFile.builder().content(file).type(ProfileFile.Type.CONFIGURATION).build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the AWS config file " + file + " cannot be read: " + e.getMessage(), e);
        }
        Optional<Profile> p = config.profile(name);
        if (p.isEmpty()) {
            return new AwsProfileSettings(name, null, null, null, null, file);
        }
        String region = p.get().property("region").orElse(null);
        String caBundle = p.get().property("ca_bundle").orElse(null);
        boolean ignoreEndpoints = p.get().booleanProperty("ignore_configured_endpoint_urls").orElse(false)
                || "true".equalsIgnoreCase(env.getOrDefault("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", ""));
        String endpoint = null;
        String from = null;
        if (!ignoreEndpoints) {
            Optional<String> services = p.get().property("services");
            if (services.isPresent()) {
                endpoint = config.getSection("services", services.get()).flatMap(s -> s.property("s3.endpoint_url")).orElse(null);
                from = "s3 endpoint_url of [services " + services.get() + "] in " + file;
            }
            if (endpoint == null) {
                endpoint = p.get().property("endpoint_url").orElse(null);
                from = "endpoint_url of profile " + name + " in " + file;
            }
        }
        return new AwsProfileSettings(name, region, endpoint, endpoint == null ? null : from, caBundle, file);
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }
}
