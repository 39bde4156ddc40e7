package io.localstackmount.s3;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.apache.http.HttpHost;
import org.apache.http.conn.socket.LayeredConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.protocol.HttpContext;

/**
 * The Apache HTTP client's {@code https} socket factory for clients of a plain-http endpoint
 * ({@link S3Clients}): it sets up TLS (SSLContext, the JDK's trust store, about 0.3 s in a fresh
 * JVM) only if an https connection is ever asked for, which a plain-http endpoint never does. Then
 * it is Apache's standard factory: the JDK's default trust store and hostname verification.
 */
final class LazyTlsSocketFactory implements LayeredConnectionSocketFactory {
    private volatile LayeredConnectionSocketFactory delegate;

    private LayeredConnectionSocketFactory delegate() {
        LayeredConnectionSocketFactory d = delegate;
        if (d == null) {
            synchronized (this) {
                d = delegate;
                if (d == null) {
                    d = SSLConnectionSocketFactory.getSocketFactory();
                    delegate = d;
                }
            }
        }
        return d;
    }

    @Override
    public Socket createSocket(HttpContext context) throws IOException {
        return delegate().createSocket(context);
    }

    @Override
    public Socket connectSocket(int connectTimeout, Socket socket, HttpHost host, InetSocketAddress remoteAddress,
            InetSocketAddress localAddress, HttpContext context) throws IOException {
        return delegate().connectSocket(connectTimeout, socket, host, remoteAddress, localAddress, context);
    }

    @Override
    public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context) throws IOException {
        return delegate().createLayeredSocket(socket, target, port, context);
    }
}
