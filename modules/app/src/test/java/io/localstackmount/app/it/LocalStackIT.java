package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.ObjectStore;
import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3.S3StoreConfig;
import io.localstackmount.testkit.ObjectStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack itself, where a Docker engine answers: the store contract that S3Proxy passes in the
 * s3 module, then a mount by the real command with its default settings (LocalStack's test/test
 * credentials, path-style, plain bodies). Without Docker the whole class is skipped, not failed.
 *
 * <p>4.14.0 is the last community image that starts without an auth token (see docker-compose.yml).
 */
@Testcontainers(disabledWithoutDocker = true)
@DisplayName("S3ObjectStore and a mount on LocalStack 4.14.0")
class LocalStackIT extends ObjectStoreContract {
    @Container
    private static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.14.0"))
                    .withServices(LocalStackContainer.Service.S3);

    private static S3ObjectStore store;

    private static synchronized S3ObjectStore shared() {
        if (store == null) {
            store = S3ObjectStore.create(S3StoreConfig.builder()
                    .endpoint(LOCALSTACK.getEndpoint())
                    .region(LOCALSTACK.getRegion())
                    .staticCredentials(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())
                    .build());
        }
        return store;
    }

    @AfterAll
    static void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Override
    protected ObjectStore store() {
        return shared();
    }

    @Test
    @DisplayName("mount smoke test: the real command mounts LocalStack; files written either way show on the other side")
    void mountSmoke(@TempDir Path tmp) throws Exception {
        store().put(bucket, "seeded/hello.txt", "seeded through S3".getBytes(UTF_8), Map.of(), "text/plain");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path mnt = tmp.resolve("mnt");
        try (AppProcess app = AppProcess.mount(tmp, home, mnt, "--endpoint", LOCALSTACK.getEndpoint().toString())) {
            Path dir = mnt.resolve(bucket);
            assertEquals(List.of("hello.txt"), List.of(MountFixture.run(dir.resolve("seeded"), "ls").strip().split("\n")));
            assertEquals("seeded through S3", Files.readString(dir.resolve("seeded/hello.txt")));
            Files.writeString(dir.resolve("written.txt"), "written through the mount");
            byte[] buf = new byte[64];
            int n = store().read(bucket, "written.txt", 0, buf, 0, buf.length);
            assertEquals("written through the mount", new String(buf, 0, n, UTF_8));
            MountFixture.run(dir, "mv", "written.txt", "moved.txt");
            assertTrue(store().head(bucket, "moved.txt").isPresent());
            assertTrue(app.output().contains("mounted"), app.output());
        }
    }
}
