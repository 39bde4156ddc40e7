package io.localstackmount.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.s3.S3ConfigResolver.Resolution;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * The AWS CLI's configuration as the resolver reads it: a profile's region, endpoint_url and its
 * services section, ca_bundle, AWS_CA_BUNDLE, LOCALSTACK_HOST, and the precedence of each against
 * the variables. Each test has a config file of its own (AWS_CONFIG_FILE) and an empty home.
 *
 * <pre>
 *   [default]          region eu-west-3
 *   [profile ls]       region eu-central-1, endpoint_url http://localhost:4566, services lsvc
 *   [services lsvc]    s3 = endpoint_url http://127.0.0.1:9000
 *   [profile plain]    endpoint_url http://plain:4566
 * </pre>
 */
class AwsConfigFileTest {
    @TempDir
    Path home;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void configFile() throws IOException {
        Path config = Files.writeString(home.resolve("config"), """
                [default]
                region = eu-west-3

                [profile ls]
                region = eu-central-1
                endpoint_url = http://localhost:4566
                services = lsvc

                [services lsvc]
                s3 =
                  endpoint_url = http://127.0.0.1:9000

                [profile plain]
                endpoint_url = http://plain:4566

                [profile tls]
                ca_bundle = %s
                """.formatted(home.resolve("bundle.pem")));
        env.put("AWS_CONFIG_FILE", config.toString());
    }

    private Resolution resolve(String profile) {
        return S3ConfigResolver.resolve(null, null, profile, env, home);
    }

    @Test
    @DisplayName("the default profile's region is used when nothing else sets one")
    void defaultRegion() {
        Resolution r = resolve(null);
        assertEquals("eu-west-3", r.config().region());
        assertTrue(r.description().contains("region of profile default"), r.description());
        assertEquals(URI.create("http://localhost:4566"), r.config().endpoint(), "no endpoint_url: LocalStack's default");
    }

    @Test
    @DisplayName("a profile's services section wins over its endpoint_url, as for the AWS CLI")
    void servicesSection() {
        Resolution r = resolve("ls");
        assertEquals(URI.create("http://127.0.0.1:9000"), r.config().endpoint());
        assertEquals("eu-central-1", r.config().region());
        assertTrue(r.config().endpointOrigin().contains("[services lsvc]"), r.config().endpointOrigin());
    }

    @Test
    @DisplayName("a profile's endpoint_url, chosen by AWS_PROFILE too")
    void endpointUrl() {
        env.put("AWS_PROFILE", "plain");
        assertEquals(URI.create("http://plain:4566"), resolve(null).config().endpoint());
    }

    @Test
    @DisplayName("variables win over the file; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS skips both AWS sources")
    void precedence() {
        env.put("AWS_REGION", "ap-south-1");
        env.put("AWS_ENDPOINT_URL", "http://env:1");
        Resolution r = resolve("ls");
        assertEquals("ap-south-1", r.config().region());
        assertEquals(URI.create("http://env:1"), r.config().endpoint());
        env.put("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
        assertEquals(URI.create("http://localhost:4566"), resolve("ls").config().endpoint());
    }

    @Test
    @DisplayName("LOCALSTACK_HOST, as awslocal reads it: host[:port], 4566 by default; below AWS_ENDPOINT_URL, above the profile")
    void localStackHost() {
        env.put("LOCALSTACK_HOST", "localhost.localstack.cloud");
        assertEquals(URI.create("http://localhost.localstack.cloud:4566"), resolve("ls").config().endpoint());
        env.put("LOCALSTACK_HOST", "127.0.0.1:4510");
        assertEquals(URI.create("http://127.0.0.1:4510"), resolve(null).config().endpoint());
        assertEquals("LOCALSTACK_HOST", resolve(null).config().endpointOrigin());
        env.put("AWS_ENDPOINT_URL_S3", "http://s3:2");
        assertEquals(URI.create("http://s3:2"), resolve(null).config().endpoint());
    }

    @Test
    @DisplayName("AWS_CA_BUNDLE and ca_bundle are used for https, and must be readable then; plain http ignores them")
    void caBundle() throws IOException {
        env.put("AWS_CA_BUNDLE", home.resolve("missing.pem").toString());
        assertNull(resolve(null).config().caBundle(), "http: not needed, so not checked");
        env.put("AWS_ENDPOINT_URL", "https://minio.example:9000");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolve(null));
        assertTrue(e.getMessage().contains("missing.pem") && e.getMessage().contains("AWS_CA_BUNDLE"), e.getMessage());
        env.remove("AWS_CA_BUNDLE");
        Files.copy(Path.of("/etc/ssl/certs/ca-certificates.crt").toFile().exists() ? Path.of("/etc/ssl/certs/ca-certificates.crt")
                : pem(), home.resolve("bundle.pem"));
        assertEquals(home.resolve("bundle.pem"), resolve("tls").config().caBundle());
        assertTrue(CaBundle.trustManagers(home.resolve("bundle.pem")).length > 0);
    }

    @Test
    @DisplayName("a file without certificates is refused with its name")
    void emptyBundle() throws IOException {
        Path bad = Files.writeString(home.resolve("bad.pem"), "not a certificate\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CaBundle.trustManagers(bad));
        assertTrue(e.getMessage().contains("bad.pem"), e.getMessage());
    }

    @Test
    @DisplayName("assume-role and SSO profiles resolve through the SDK's sts and sso modules, which ship")
    void roleAndSsoModules() throws IOException {
        Path config = Files.writeString(home.resolve("roles"), """
                [profile base]
                aws_access_key_id = AKIDEXAMPLE
                aws_secret_access_key = secret

                [profile role]
                role_arn = arn:aws:iam::123456789012:role/test
                source_profile = base
                region = us-east-1
                # nothing listens here: the call fails fast, after the module was found
                endpoint_url = http://127.0.0.1:1

                [profile sso]
                sso_start_url = https://example.awsapps.com/start
                sso_region = us-east-1
                sso_account_id = 123456789012
                sso_role_name = Dev
                region = us-east-1
                """);
        ProfileFile file = ProfileFile.builder().content(config).type(ProfileFile.Type.CONFIGURATION).build();
        for (String profile : new String[] {"role", "sso"}) {
            // Without the modules the SDK says: "To use assume role profiles, the 'sts' service module must be on the
            // class path" (sso alike). With them, the role fails calling STS (nothing listens) and SSO for want of a login.
            try (ProfileCredentialsProvider p = ProfileCredentialsProvider.builder().profileFile(file).profileName(profile).build()) {
                RuntimeException e = assertThrows(RuntimeException.class, p::resolveCredentials);
                String all = String.valueOf(e) + e.getCause();
                assertFalse(all.contains("class path") || all.contains("classpath"), profile + ": " + all);
            }
        }
    }

    private static Path pem() {
        throw new IllegalStateException("no system CA bundle on this machine");
    }
}
