package io.localstackmount.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.s3proxy.S3ProxyServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EndpointCheckTest {
    private ServerSocket fake;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopFake() throws IOException {
        if (fake != null) {
            fake.close();
        }
    }

    /**
     * A fake LocalStack answering {@code /_localstack/health} with {@code body} (404 elsewhere): a
     * few lines of HTTP/1.0 on a plain socket, one request per connection.
     */
    private URI fakeLocalStack(String body) throws IOException {
        fake = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!fake.isClosed()) {
                try (Socket s = fake.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    String requestLine = in.readLine();
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // skip headers
                    }
                    String[] parts = requestLine.split(" ");
                    requests.add(parts[0] + " " + parts[1]);
                    boolean health = parts[1].equals("/_localstack/health");
                    byte[] bytes = (health ? body : "not found").getBytes(StandardCharsets.UTF_8);
                    OutputStream out = s.getOutputStream();
                    out.write(((health ? "HTTP/1.0 200 OK" : "HTTP/1.0 404 Not Found") + "\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(bytes);
                    out.flush();
                } catch (IOException e) {
                    // closed by the test
                }
            }
        }, "fake-localstack");
        t.setDaemon(true);
        t.start();
        return URI.create("http://127.0.0.1:" + fake.getLocalPort());
    }

    private static S3StoreConfig at(URI endpoint) {
        return S3StoreConfig.builder().endpoint(endpoint).build();
    }

    @Test
    @DisplayName("LocalStack with s3 running: ok, named with its version, probed with GET only")
    void localStackRunning() throws IOException {
        URI uri = fakeLocalStack("{\"services\": {\"dynamodb\": \"available\", \"s3\": \"running\"}, \"edition\": \"community\", \"version\": \"4.14.0\"}");
        EndpointCheck.Result r = EndpointCheck.check(at(uri));
        assertTrue(r.ok(), r.message());
        assertEquals("LocalStack 4.14.0", r.server());
        assertEquals("running", r.s3State());
        assertEquals(List.of("GET /_localstack/health"), requests);
    }

    @Test
    @DisplayName("LocalStack with s3 available (not used yet) is ok")
    void localStackAvailable() throws IOException {
        EndpointCheck.Result r = EndpointCheck.check(at(fakeLocalStack("{\"services\":{\"s3\":\"available\"}}")));
        assertTrue(r.ok(), r.message());
        assertEquals("available", r.s3State());
    }

    @Test
    @DisplayName("LocalStack without s3: not ok, says how to enable it")
    void localStackWithoutS3() throws IOException {
        EndpointCheck.Result r = EndpointCheck.check(at(fakeLocalStack("{\"services\":{\"s3\":\"disabled\"},\"version\":\"4.14.0\"}")));
        assertFalse(r.ok());
        assertTrue(r.message().contains("s3 service is disabled"), r.message());
    }

    @Test
    @DisplayName("nothing listening: a message a new user can act on, within a few seconds")
    void nothingListening() {
        URI uri = URI.create("http://127.0.0.1:" + S3ObjectStoreFailureTest.freePort());
        long start = System.nanoTime();
        EndpointCheck.Result r = EndpointCheck.check(at(uri));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(4)) < 0);
        assertFalse(r.ok());
        assertTrue(r.message().startsWith("Nothing answers at " + uri + ", LocalStack's default address."), r.message());
        assertTrue(r.message().contains("--embedded") && r.message().contains("docker compose up -d"), r.message());
    }

    @Test
    @DisplayName("nothing listening at an endpoint someone chose: check it where it was set, no 'pass --endpoint'")
    void nothingListeningAtAChosenEndpoint() {
        URI uri = URI.create("http://127.0.0.1:" + S3ObjectStoreFailureTest.freePort());
        EndpointCheck.Result r = EndpointCheck.check(at(uri).toBuilder().endpointOrigin("--endpoint").build());
        assertFalse(r.ok());
        assertTrue(r.message().startsWith("Nothing answers at " + uri + " (set by --endpoint). Is the server running"), r.message());
        assertTrue(r.message().contains("correct --endpoint") && !r.message().contains("pass --endpoint"), r.message());
    }

    @Test
    @DisplayName("an unknown host says so")
    void unknownHost() {
        EndpointCheck.Result r = EndpointCheck.check(at(URI.create("http://no-such-host.invalid:4566")));
        assertFalse(r.ok());
        assertTrue(r.message().contains("Cannot resolve"), r.message());
    }

    @Test
    @DisplayName("a plain S3 server (S3Proxy) is found through ListBuckets; wrong credentials are reported")
    void plainS3() {
        try (S3ProxyServer server = S3ProxyServer.builder().inMemory().start()) {
            EndpointCheck.Result r = EndpointCheck.check(server.config());
            assertTrue(r.ok(), r.message());
            assertEquals("S3", r.server());

            EndpointCheck.Result denied = EndpointCheck.check(server.config().toBuilder().staticCredentials("wrong", "wrong").build());
            assertFalse(denied.ok());
            assertTrue(denied.message().contains("refuses the credentials"), denied.message());
        }
    }

    @Test
    @DisplayName("with the store's client: LocalStack never asks for the store; a plain S3 server is probed with it")
    void withTheStoresClient() throws IOException {
        EndpointCheck.Result local = EndpointCheck.check(at(fakeLocalStack("{\"services\":{\"s3\":\"running\"}}")), () -> {
            throw new AssertionError("the LocalStack health answer is enough");
        });
        assertTrue(local.ok(), local.message());

        try (S3ProxyServer server = S3ProxyServer.builder().inMemory().start();
                S3ObjectStore store = S3ObjectStore.create(server.config());
                S3ObjectStore wrong = S3ObjectStore.create(server.config().toBuilder().staticCredentials("wrong", "wrong").build())) {
            EndpointCheck.Result r = EndpointCheck.check(server.config(), () -> store);
            assertTrue(r.ok(), r.message());
            assertEquals("S3", r.server());

            EndpointCheck.Result denied = EndpointCheck.check(server.config(), () -> wrong);
            assertFalse(denied.ok());
            assertTrue(denied.message().contains("refuses the credentials"), denied.message());
        }
    }
}
