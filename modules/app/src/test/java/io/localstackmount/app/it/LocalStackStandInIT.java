package io.localstackmount.app.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.s3.S3ObjectStore;
import io.localstackmount.s3proxy.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LocalStack path without Docker: a stand-in answers LocalStack's health check and passes
 * every S3 request on to S3Proxy. LocalStack's health answer is enough to mount, so the mount does
 * not wait for the SDK client (its first requests do); the launched command must still list and
 * read through it. LocalStackIT runs the real thing where Docker exists.
 */
@DisplayName("a LocalStack endpoint (stand-in: health answer plus S3Proxy)")
class LocalStackStandInIT {
    private static S3ProxyServer server;
    private static S3ObjectStore s3;
    private static ServerSocket standIn;

    @BeforeAll
    static void start() throws IOException {
        server = S3ProxyServer.builder().inMemory().noAuth().start();
        s3 = server.newStore();
        s3.createBucket("seeded");
        s3.put("seeded", "hello.txt", "hello from LocalStack".getBytes(UTF_8), Map.of(), "text/plain");
        standIn = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(LocalStackStandInIT::serve, "localstack-stand-in");
        t.setDaemon(true);
        t.start();
    }

    @AfterAll
    static void stop() throws IOException {
        standIn.close();
        s3.close();
        server.close();
    }

    @Test
    @DisplayName("mounts on the health answer; ls and cat go through the client built meanwhile")
    void mountsOnHealthAnswer(@TempDir Path t) throws Exception {
        Path mnt = t.resolve("mnt");
        URI endpoint = URI.create("http://127.0.0.1:" + standIn.getLocalPort());
        try (AppProcess app = AppProcess.mount(t, Files.createDirectories(t.resolve("home")), mnt, "--endpoint", endpoint.toString())) {
            assertEquals(List.of("seeded"), List.of(MountFixture.run(mnt, "ls").strip().split("\n")));
            assertEquals("hello from LocalStack", MountFixture.run(mnt.resolve("seeded"), "cat", "hello.txt"));
            Files.writeString(mnt.resolve("seeded/new.txt"), "written");
            assertTrue(s3.head("seeded", "new.txt").isPresent());
            assertTrue(app.output().contains("LocalStack 4.14.0"), app.output());
        }
    }

    /** One connection at a time, one request per connection: enough for a test, and simple. */
    private static void serve() {
        while (!standIn.isClosed()) {
            try (Socket s = standIn.accept()) {
                answer(s.getInputStream(), s.getOutputStream());
            } catch (IOException e) {
                // the client went away, or the test closed the stand-in
            }
        }
    }

    private static void answer(InputStream in, OutputStream out) throws IOException {
        String[] request = line(in).split(" ");
        String method = request[0];
        String path = request[1];
        HttpURLConnection up = (HttpURLConnection) URI.create(server.endpoint() + path).toURL().openConnection();
        up.setInstanceFollowRedirects(false);
        up.setRequestMethod(method);
        int length = 0;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(value);
            } else if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("connection")) {
                up.setRequestProperty(name, value);
            }
        }
        byte[] body = in.readNBytes(length);
        if (path.startsWith("/_localstack/health")) {
            respond(out, 200, Map.of("Content-Type", "application/json"),
                    "{\"services\": {\"s3\": \"running\"}, \"edition\": \"community\", \"version\": \"4.14.0\"}".getBytes(UTF_8), false);
            return;
        }
        if (length > 0 || method.equals("PUT") || method.equals("POST")) {
            up.setDoOutput(true);
            up.setFixedLengthStreamingMode(length);
            up.getOutputStream().write(body);
        }
        int status = up.getResponseCode();
        InputStream answer = status >= 400 ? up.getErrorStream() : up.getInputStream();
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        if (answer != null) {
            answer.transferTo(content);
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        up.getHeaderFields().forEach((name, values) -> {
            if (name != null && !name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
                    && !name.equalsIgnoreCase("connection")) {
                headers.put(name, values.get(0));
            }
        });
        if (method.equals("HEAD")) {
            headers.put("Content-Length", String.valueOf(up.getContentLengthLong()));
        }
        respond(out, status, headers, content.toByteArray(), method.equals("HEAD"));
    }

    private static void respond(OutputStream out, int status, Map<String, String> headers, byte[] body, boolean head)
            throws IOException {
        StringBuilder h = new StringBuilder("HTTP/1.1 " + status + " X\r\n");
        headers.forEach((name, value) -> h.append(name).append(": ").append(value).append("\r\n"));
        if (!head) {
            h.append("Content-Length: ").append(body.length).append("\r\n");
        }
        h.append("Connection: close\r\n\r\n");
        out.write(h.toString().getBytes(ISO_8859_1));
        if (!head) {
            out.write(body);
        }
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(ISO_8859_1);
    }
}
