package io.localstackmount.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.s3.S3ConfigResolver.Resolution;
import io.localstackmount.s3.S3StoreConfig.CredentialsMode;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class S3ConfigResolverTest {

    private static Resolution resolve(Map<String, String> env) {
        return S3ConfigResolver.resolve(null, null, null, env);
    }

    @Test
    @DisplayName("nothing configured: LocalStack on localhost:4566, us-east-1, test/test")
    void localStackDefaults() {
        Resolution r = resolve(Map.of());
        S3StoreConfig c = r.config();
        assertEquals(URI.create("http://localhost:4566"), c.endpoint());
        assertEquals("us-east-1", c.region());
        assertEquals(CredentialsMode.STATIC, c.credentialsMode());
        assertEquals("test", c.accessKeyId());
        assertEquals("test", c.secretAccessKey());
        assertTrue(c.pathStyle());
        assertTrue(r.description().contains("LocalStack default"), r.description());
        assertEquals("http://localhost:4566 (us-east-1)", c.describe());
    }

    @Nested
    @DisplayName("endpoint")
    class Endpoint {
        @Test
        @DisplayName("--endpoint beats AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL and LOCALSTACK_ENDPOINT")
        void flagFirst() {
            Map<String, String> env = Map.of("AWS_ENDPOINT_URL_S3", "http://s3only:1", "AWS_ENDPOINT_URL", "http://env:2",
                    "LOCALSTACK_ENDPOINT", "http://ls:3");
            Resolution r = S3ConfigResolver.resolve("http://flag:9000", null, null, env);
            assertEquals(URI.create("http://flag:9000"), r.config().endpoint());
            assertTrue(r.description().contains("from --endpoint"), r.description());
        }

        @Test
        @DisplayName("then AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then LOCALSTACK_ENDPOINT")
        void environmentOrder() {
            assertEquals(URI.create("http://s3only:1"), resolve(Map.of("AWS_ENDPOINT_URL_S3", "http://s3only:1",
                    "AWS_ENDPOINT_URL", "http://env:2", "LOCALSTACK_ENDPOINT", "http://ls:3")).config().endpoint());
            Resolution r = resolve(Map.of("AWS_ENDPOINT_URL", "http://env:2", "LOCALSTACK_ENDPOINT", "http://ls:3"));
            assertEquals(URI.create("http://env:2"), r.config().endpoint());
            assertTrue(r.description().contains("from AWS_ENDPOINT_URL"), r.description());
            assertEquals(URI.create("http://ls:3"), resolve(Map.of("LOCALSTACK_ENDPOINT", "http://ls:3")).config().endpoint());
        }

        @Test
        @DisplayName("'aws' means real AWS: no endpoint, virtual-hosted, the SDK default credentials chain")
        void realAws() {
            Resolution r = S3ConfigResolver.resolve("aws", null, null, Map.of("AWS_ENDPOINT_URL", "http://localhost:4566"));
            S3StoreConfig c = r.config();
            assertNull(c.endpoint());
            assertTrue(c.isRealAws());
            assertFalse(c.pathStyle());
            assertEquals(CredentialsMode.DEFAULT_CHAIN, c.credentialsMode());
            assertEquals("AWS S3 (us-east-1)", c.describe());
            assertTrue(r.description().contains("default chain"), r.description());
        }

        @Test
        @DisplayName("'AWS' in the environment works too")
        void realAwsFromEnv() {
            assertTrue(resolve(Map.of("AWS_ENDPOINT_URL", "AWS")).config().isRealAws());
        }

        @Test
        @DisplayName("host:port is taken as http; a trailing slash is dropped")
        void lenientUrls() {
            assertEquals(URI.create("http://localhost:4566"), S3ConfigResolver.resolve("localhost:4566", null, null, Map.of()).config().endpoint());
            assertEquals(URI.create("https://minio.example"), S3ConfigResolver.resolve("https://minio.example/", null, null, Map.of()).config().endpoint());
        }

        @Test
        @DisplayName("a bad URL is an error that names its source")
        void badUrl() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> resolve(Map.of("LOCALSTACK_ENDPOINT", "ftp://x")));
            assertTrue(e.getMessage().contains("LOCALSTACK_ENDPOINT"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> S3ConfigResolver.resolve("http://x/path", null, null, Map.of()));
        }

        @Test
        @DisplayName("blank values count as unset")
        void blanks() {
            assertEquals(URI.create("http://ls:3"), S3ConfigResolver.resolve(" ", null, null,
                    Map.of("AWS_ENDPOINT_URL", "", "LOCALSTACK_ENDPOINT", "http://ls:3")).config().endpoint());
        }
    }

    @Nested
    @DisplayName("region")
    class Region {
        @Test
        @DisplayName("--region, then AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1")
        void order() {
            Map<String, String> both = Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "eu-central-1");
            assertEquals("ap-south-1", S3ConfigResolver.resolve(null, "ap-south-1", null, both).config().region());
            assertEquals("eu-west-1", resolve(both).config().region());
            Resolution r = resolve(Map.of("AWS_DEFAULT_REGION", "eu-central-1"));
            assertEquals("eu-central-1", r.config().region());
            assertTrue(r.description().contains("from AWS_DEFAULT_REGION"), r.description());
            assertEquals("us-east-1", resolve(Map.of()).config().region());
        }
    }

    @Nested
    @DisplayName("credentials")
    class Credentials {
        private final Map<String, String> keys = Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "s3cr3tvalue");

        @Test
        @DisplayName("access keys from the environment")
        void envKeys() {
            Resolution r = resolve(keys);
            assertEquals(CredentialsMode.STATIC, r.config().credentialsMode());
            assertEquals("AKIAEXAMPLE", r.config().accessKeyId());
            assertEquals("s3cr3tvalue", r.config().secretAccessKey());
            assertNull(r.config().sessionToken());
        }

        @Test
        @DisplayName("a session token goes with the keys")
        void sessionToken() {
            Map<String, String> env = new java.util.HashMap<>(keys);
            env.put("AWS_SESSION_TOKEN", "tok");
            assertEquals("tok", resolve(env).config().sessionToken());
        }

        @Test
        @DisplayName("access keys beat AWS_PROFILE")
        void keysBeatProfileEnv() {
            Map<String, String> env = new java.util.HashMap<>(keys);
            env.put("AWS_PROFILE", "dev");
            assertEquals(CredentialsMode.STATIC, resolve(env).config().credentialsMode());
        }

        @Test
        @DisplayName("--profile beats everything in the environment")
        void profileFlag() {
            Map<String, String> env = new java.util.HashMap<>(keys);
            env.put("AWS_PROFILE", "dev");
            Resolution r = S3ConfigResolver.resolve(null, null, "prod", env);
            assertEquals(CredentialsMode.PROFILE, r.config().credentialsMode());
            assertEquals("prod", r.config().profile());
            assertNull(r.config().accessKeyId());
            assertTrue(r.description().contains("from --profile"), r.description());
        }

        @Test
        @DisplayName("AWS_PROFILE without keys")
        void profileEnv() {
            S3StoreConfig c = resolve(Map.of("AWS_PROFILE", "dev")).config();
            assertEquals(CredentialsMode.PROFILE, c.credentialsMode());
            assertEquals("dev", c.profile());
            assertEquals(URI.create("http://localhost:4566"), c.endpoint(), "a profile alone does not switch to real AWS");
        }

        @Test
        @DisplayName("real AWS with keys uses the keys")
        void realAwsWithKeys() {
            S3StoreConfig c = S3ConfigResolver.resolve("aws", null, null, keys).config();
            assertEquals(CredentialsMode.STATIC, c.credentialsMode());
        }

        @Test
        @DisplayName("a key without its secret is ignored and reported")
        void halfKey() {
            Resolution r = resolve(Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"));
            assertEquals("test", r.config().accessKeyId());
            assertTrue(r.description().contains("AWS_SECRET_ACCESS_KEY is set") || r.description().contains("without its partner"),
                    r.description());
        }

        @Test
        @DisplayName("the description and toString never show the secret")
        void secretMasked() {
            Resolution r = resolve(keys);
            assertFalse(r.description().contains("s3cr3tvalue"), r.description());
            assertFalse(r.description().contains("s3cr"), r.description());
            assertTrue(r.description().contains("access key ****MPLE, secret ****"), r.description());
            assertFalse(r.config().toString().contains("s3cr3tvalue"), r.config().toString());
            assertFalse(r.config().toString().contains("AKIAEXAMPLE"), r.config().toString());
        }
    }
}
