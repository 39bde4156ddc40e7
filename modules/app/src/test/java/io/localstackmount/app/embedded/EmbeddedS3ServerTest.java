package io.localstackmount.app.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Starts the embedded server for real (S3Proxy on loopback) and talks to it with the AWS SDK.
 *
 * <pre>
 * dataDir/                 created on the first start because dataDir was empty
 * └── sample/
 *     ├── README.txt
 *     └── hello/world.txt
 * </pre>
 */
class EmbeddedS3ServerTest {
    private static final EmbeddedS3Server.Credentials CREDENTIALS = EmbeddedS3Server.Credentials.random();

    @TempDir
    Path tmp;

    @Nested
    @DisplayName("on the class path (tests, IDE)")
    class ClassPath {

        @Test
        @DisplayName("seeds the sample bucket on a free port and keeps data across a restart")
        void seedsAndSurvivesRestart() {
            Path data = tmp.resolve("data");
            try (EmbeddedS3Server server = EmbeddedS3Server.start(data, 0, CREDENTIALS, Optional.empty());
                    S3Client s3 = client(server)) {
                assertEquals("127.0.0.1", server.endpoint().getHost());
                assertTrue(server.endpoint().getPort() > 0, server.endpoint().toString());
                assertEquals(List.of("README.txt", "hello/world.txt"), keys(s3, "sample"));
                String readme = s3.getObjectAsBytes(b -> b.bucket("sample").key("README.txt")).asUtf8String();
                assertTrue(readme.contains("sample bucket of localstackmount's embedded S3 server"), readme);
                assertTrue(readme.contains(data.toAbsolutePath().toString()), readme);
                assertEquals("Hello, world!\n",
                        s3.getObjectAsBytes(b -> b.bucket("sample").key("hello/world.txt")).asUtf8String());

                s3.putObject(b -> b.bucket("sample").key("notes/mine.txt"), RequestBody.fromString("kept\n"));
                s3.deleteObject(b -> b.bucket("sample").key("hello/world.txt"));
            }

            // Same directory again: what was written is there, and nothing is seeded a second time.
            try (EmbeddedS3Server server = EmbeddedS3Server.start(data, 0, CREDENTIALS, Optional.empty());
                    S3Client s3 = client(server)) {
                assertEquals(List.of("README.txt", "notes/mine.txt"), keys(s3, "sample"));
                assertEquals("kept\n",
                        s3.getObjectAsBytes(b -> b.bucket("sample").key("notes/mine.txt")).asUtf8String());
            }
        }

        @Test
        @DisplayName("rejects wrong credentials, LocalStack's test/test included")
        void checksCredentials() {
            try (EmbeddedS3Server server = EmbeddedS3Server.start(tmp.resolve("data"), 0, CREDENTIALS, Optional.empty());
                    S3Client wrongSecret = client(server, CREDENTIALS.accessKey(), "wrong");
                    S3Client localStackDefaults = client(server, "test", "test")) {
                assertEquals(403, assertThrows(S3Exception.class, wrongSecret::listBuckets).statusCode());
                assertEquals(403, assertThrows(S3Exception.class, localStackDefaults::listBuckets).statusCode());
            }
        }

        @Test
        @DisplayName("listens on loopback only: the machine's other addresses refuse the connection")
        void loopbackOnly() throws Exception {
            List<InetAddress> others = java.util.Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(NetworkInterface::inetAddresses).filter(a -> !a.isLoopbackAddress() && a instanceof Inet4Address)
                    .collect(Collectors.toList());
            Assumptions.assumeFalse(others.isEmpty(), "this machine has no address but loopback");
            try (EmbeddedS3Server server = EmbeddedS3Server.start(tmp.resolve("data"), 0, CREDENTIALS, Optional.empty())) {
                int port = server.endpoint().getPort();
                for (InetAddress address : others) {
                    try (Socket s = new Socket()) {
                        assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(address, port), 2000),
                                "connected to " + address + ":" + port);
                    }
                }
            }
        }

        @Test
        @DisplayName("random credentials are new for each start and never shown whole")
        void randomCredentials() {
            EmbeddedS3Server.Credentials a = EmbeddedS3Server.Credentials.random();
            EmbeddedS3Server.Credentials b = EmbeddedS3Server.Credentials.random();
            assertNotEquals(a, b);
            assertEquals(20, a.accessKey().length());
            assertTrue(a.accessKey().startsWith("LSM"), a.accessKey());
            assertEquals(40, a.secretKey().length());
            assertEquals("Credentials[****" + a.accessKey().substring(16) + "/****]", a.toString());
        }

        @Test
        @DisplayName("the credentials file holds endpoint and keys, readable by its owner only")
        void credentialsFile() throws Exception {
            try (EmbeddedS3Server server = EmbeddedS3Server.start(tmp.resolve("data"), 0, CREDENTIALS, Optional.empty())) {
                Path state = Files.createDirectories(tmp.resolve("state"));
                Path file = CredentialsFile.write(state, server, "us-east-1");
                assertEquals("embedded-" + server.endpoint().getPort() + ".env", file.getFileName().toString());
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
                String text = Files.readString(file);
                assertTrue(text.contains("export AWS_ENDPOINT_URL=" + server.endpoint() + "\n"), text);
                assertTrue(text.contains("export AWS_ACCESS_KEY_ID=" + CREDENTIALS.accessKey() + "\n"), text);
                assertTrue(text.contains("export AWS_SECRET_ACCESS_KEY=" + CREDENTIALS.secretKey() + "\n"), text);
                try (Stream<Path> left = Files.list(state)) {
                    assertEquals(List.of(file), left.collect(Collectors.toList()), "no temporary file left");
                }
            }
        }

        @Test
        @DisplayName("says the port is in use when it is")
        void portInUse() throws Exception {
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = taken.getLocalPort();
                EmbeddedS3Exception e = assertThrows(EmbeddedS3Exception.class,
                        () -> EmbeddedS3Server.start(tmp.resolve("data"), port, CREDENTIALS, Optional.empty()));
                assertTrue(e.getMessage().contains("127.0.0.1:" + port + " because the port is in use"),
                        e.getMessage());
            }
        }
    }

    @Nested
    @DisplayName("from an installation's lib/embedded (the image)")
    class Installation {

        @Test
        @DisplayName("runs S3Proxy in its own class loader")
        void isolatedLoader() throws Exception {
            Path home = tmp.resolve("home");
            Path lib = Files.createDirectories(home.resolve(S3ProxyLoader.EMBEDDED_LIB));
            // The test class path stands in for the image's jar-with-dependencies: only jars, no
            // classes folders, so none of the app's own classes can leak into S3Proxy's loader.
            List<Path> jars = List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                    .filter(p -> p.endsWith(".jar")).map(Path::of).collect(Collectors.toList());
            for (int i = 0; i < jars.size(); i++) {
                Files.createSymbolicLink(lib.resolve(String.format("%03d-%s", i, jars.get(i).getFileName())),
                        jars.get(i).toAbsolutePath());
            }

            S3ProxyLoader.Loaded loaded = S3ProxyLoader.load(Optional.of(home));
            try {
                assertNotSame(getClass().getClassLoader(), loaded.classLoader());
                assertNotSame(getClass().getClassLoader(), loaded.blobStoreType().getClassLoader());
            } finally {
                loaded.close();
            }

            try (EmbeddedS3Server server = EmbeddedS3Server.start(tmp.resolve("data"), 0, CREDENTIALS, Optional.of(home));
                    S3Client s3 = client(server)) {
                assertEquals(List.of("README.txt", "hello/world.txt"), keys(s3, "sample"));
            }
        }

        @Test
        @DisplayName("says what is missing when lib/embedded has no jar")
        void missingJars() throws Exception {
            Path home = tmp.resolve("home");
            Files.createDirectories(home.resolve(S3ProxyLoader.EMBEDDED_LIB));
            EmbeddedS3Exception e = assertThrows(EmbeddedS3Exception.class,
                    () -> EmbeddedS3Server.start(tmp.resolve("data"), 0, CREDENTIALS, Optional.of(home)));
            assertTrue(e.getMessage().contains(home.resolve("lib/embedded") + ", which holds no jar"),
                    e.getMessage());
            assertFalse(Files.exists(tmp.resolve("data/sample")), "nothing seeded without a server");
        }
    }

    private static S3Client client(EmbeddedS3Server server) {
        return client(server, server.credentials().accessKey(), server.credentials().secretKey());
    }

    private static S3Client client(EmbeddedS3Server server, String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    private static List<String> keys(S3Client s3, String bucket) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
                .map(S3Object::key).sorted().collect(Collectors.toList());
    }
}
