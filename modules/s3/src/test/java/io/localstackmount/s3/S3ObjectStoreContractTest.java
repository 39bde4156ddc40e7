package io.localstackmount.s3;

import io.localstackmount.api.ObjectStore;
import io.localstackmount.s3proxy.S3ProxyServer;
import io.localstackmount.testkit.ObjectStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/** The store contract against S3Proxy in-process (filesystem store, signatures checked): one server for the class. */
@DisplayName("S3ObjectStore on S3Proxy")
class S3ObjectStoreContractTest extends ObjectStoreContract {
    private static S3ProxyServer server;
    private static S3ObjectStore store;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.start();
        store = server.newStore();
    }

    @AfterAll
    static void stopServer() {
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected ObjectStore store() {
        return store;
    }
}
