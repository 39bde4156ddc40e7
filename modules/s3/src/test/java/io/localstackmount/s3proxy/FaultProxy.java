package io.localstackmount.s3proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy between an S3 client and a server (usually {@link S3ProxyServer}) that
 * injects faults, for tests of what the client does when the network or server misbehaves.
 * Plain HTTP/1.1 only: it reads each request's head to decide, per request, what to do with it.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(server.endpoint())) {
 *     S3StoreConfig config = server.config().toBuilder().endpoint(proxy.endpoint()).build();
 *     proxy.failNext(2, 503, "SlowDown");   // the next two requests answer 503 SlowDown
 *     proxy.stall();                        // every request from now on: read, never answered
 *     proxy.pass();                         // back to normal
 * }
 * }</pre>
 *
 * What each fault does to a request when its head arrives:
 * <pre>
 *   pass            forwarded, the answer sent back as it comes
 *   failNext(n,..)  the next n requests get an S3 error answer (Connection: close), never forwarded
 *   dropNext(n)     the next n requests: the connection is reset (RST), nothing forwarded
 *   drop            every request, until pass(): reset
 *   stall           every request, until pass(): nothing more is read or answered on that connection
 *   trickle(b, k)   forwarded, but request bodies and answers beyond their first k bytes move at b bytes/s
 * </pre>
 * A stalled connection stays stalled after {@link #pass()}: only the client's timeout ends it, as
 * with a real hung server. Request bodies must have a Content-Length (the SDK's plain bodies do);
 * a chunked one turns its connection into a plain pipe with no more per-request decisions.
 */
public final class FaultProxy implements AutoCloseable {
    private static final int HEAD_LIMIT = 64 * 1024;

    private enum Mode { PASS, STALL, DROP, TRICKLE }

    private final URI upstream;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();
    private volatile Mode mode = Mode.PASS;
    private volatile int trickleRate;
    private volatile long trickleAfter;
    // failNext and dropNext: how many more requests, and the error to answer
    private int failures;
    private int failStatus;
    private String failCode;
    private int drops;
    private volatile boolean closed;

    private FaultProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** A proxy on a free loopback port in front of {@code upstream} ({@code http://host:port}), passing everything. */
    public static FaultProxy start(URI upstream) {
        try {
            return new FaultProxy(upstream);
        } catch (IOException e) {
            throw new IllegalStateException("the fault proxy cannot listen", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}: the endpoint to give the client. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Forward every request; clears pending {@link #failNext} and {@link #dropNext} too. */
    public synchronized void pass() {
        mode = Mode.PASS;
        failures = 0;
        drops = 0;
    }

    /** Every request from now on is read but never answered. */
    public void stall() {
        mode = Mode.STALL;
    }

    /** Every request from now on has its connection reset. */
    public void drop() {
        mode = Mode.DROP;
    }

    /** Request bodies, and each answer after its first {@code afterBytes} bytes, move at {@code bytesPerSecond}. */
    public void trickle(int bytesPerSecond, long afterBytes) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("bytesPerSecond must be at least 1");
        }
        trickleRate = bytesPerSecond;
        trickleAfter = afterBytes;
        mode = Mode.TRICKLE;
    }

    /** The next {@code n} requests get {@code status} with S3 error code {@code code} (e.g. 503 SlowDown, 500 InternalError). */
    public synchronized void failNext(int n, int status, String code) {
        failures = n;
        failStatus = status;
        failCode = code;
    }

    /** The next {@code n} requests have their connection reset. */
    public synchronized void dropNext(int n) {
        drops = n;
    }

    /** Request heads seen so far, faulted or not. */
    public int requests() {
        return requests.get();
    }

    /** Requests that got a fault so far (an error answer, a reset, a stall). */
    public int injected() {
        return injected.get();
    }

    /** What to do with the request whose head just arrived; counts it. */
    private synchronized Mode decide(String[] error) {
        requests.incrementAndGet();
        if (drops > 0) {
            drops--;
            injected.incrementAndGet();
            return Mode.DROP;
        }
        if (failures > 0) {
            failures--;
            injected.incrementAndGet();
            error[0] = failStatus + " " + failCode;
            return null;
        }
        if (mode == Mode.STALL || mode == Mode.DROP) {
            injected.incrementAndGet();
        }
        return mode;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                open.add(client);
                threads.execute(() -> new Link(client).requests());
            } catch (IOException e) {
                if (!closed) {
                    e.printStackTrace();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        quietly(listener);
        open.forEach(FaultProxy::quietly);
        threads.shutdownNow();
    }

    private static void quietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a socket the other side already reset
        }
    }

    /** One client connection and, once a request is forwarded, its upstream connection. */
    private final class Link {
        private final Socket client;
        private Socket server;
        /** Bytes of the current answer sent so far, for {@link #trickle}'s grace. */
        private final AtomicLong answered = new AtomicLong();

        Link(Socket client) {
            this.client = client;
        }

        void requests() {
            try (client) {
                InputStream in = new BufferedInputStream(client.getInputStream());
                while (true) {
                    byte[] head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    String[] error = new String[1];
                    Mode fault = decide(error);
                    if (fault == null) {
                        answerError(error[0]);
                        return;
                    }
                    switch (fault) {
                        case DROP -> {
                            client.setSoLinger(true, 0); // close() now sends a reset
                            return;
                        }
                        case STALL -> {
                            holdUntilClosed();
                            return;
                        }
                        default -> forward(head, in);
                    }
                }
            } catch (IOException e) {
                // the client went away, or close() closed the socket
            } finally {
                if (server != null) {
                    quietly(server);
                }
                open.remove(client);
            }
        }

        private void forward(byte[] head, InputStream in) throws IOException {
            if (server == null) {
                server = new Socket(upstream.getHost(), upstream.getPort());
                open.add(server);
                Socket s = server;
                threads.execute(() -> answers(s));
            }
            answered.set(0);
            OutputStream out = server.getOutputStream();
            out.write(head);
            out.flush();
            String text = new String(head, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            if (text.contains("\r\ntransfer-encoding:")) {
                copy(in, out, Long.MAX_VALUE, false); // a pipe from now on
                return;
            }
            copy(in, out, contentLength(text), false);
        }

        /** Upstream to client until either side closes; then the client connection is closed too. */
        private void answers(Socket from) {
            try {
                copy(from.getInputStream(), client.getOutputStream(), Long.MAX_VALUE, true);
            } catch (IOException e) {
                // either side went away
            } finally {
                quietly(client);
            }
        }

        /** Copies up to {@code limit} bytes, or to the end of {@code in}; paced while trickling (decided per byte written). */
        private void copy(InputStream in, OutputStream out, long limit, boolean answer) throws IOException {
            byte[] buf = new byte[16 * 1024];
            long left = limit;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(left, buf.length));
                if (n < 0) {
                    return;
                }
                int at = 0;
                while (at < n) {
                    boolean slow = mode == Mode.TRICKLE && (!answer || answered.get() >= trickleAfter);
                    int rate = trickleRate;
                    int step = slow ? Math.max(1, rate / 100) : n - at;
                    if (!slow && answer && mode == Mode.TRICKLE) {
                        step = (int) Math.min(step, Math.max(1, trickleAfter - answered.get()));
                    }
                    out.write(buf, at, step);
                    out.flush();
                    at += step;
                    if (answer) {
                        answered.addAndGet(step);
                    }
                    if (slow) {
                        sleep(1000L * step / rate);
                    }
                }
                left -= n;
            }
        }

        private void answerError(String statusAndCode) throws IOException {
            int space = statusAndCode.indexOf(' ');
            String status = statusAndCode.substring(0, space);
            String code = statusAndCode.substring(space + 1);
            String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>injected by"
                    + " FaultProxy</Message><RequestId>fault-proxy</RequestId></Error>";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String response = "HTTP/1.1 " + status + " " + code + "\r\nContent-Type: application/xml\r\nContent-Length: "
                    + bytes.length + "\r\nConnection: close\r\nx-amz-request-id: fault-proxy\r\n\r\n";
            OutputStream out = client.getOutputStream();
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
        }

        /** A stalled connection: nothing more is read or written until someone closes it. */
        private void holdUntilClosed() {
            while (!closed && !client.isClosed()) {
                sleep(50);
            }
        }
    }

    /** The head of the next request (through the blank line), or null when the client closed the connection. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > HEAD_LIMIT) {
                throw new IOException("request head over " + HEAD_LIMIT + " bytes");
            }
        }
        return head.toByteArray();
    }

    private static long contentLength(String lowerCaseHead) {
        int at = lowerCaseHead.indexOf("\r\ncontent-length:");
        if (at < 0) {
            return 0;
        }
        int end = lowerCaseHead.indexOf("\r\n", at + 2);
        return Long.parseLong(lowerCaseHead.substring(at + "\r\ncontent-length:".length(), end).trim());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
