package io.localstackmount.testkit;

import io.localstackmount.api.ObjectStore;
import io.localstackmount.testkit.ObjectStoreContract;
import org.junit.jupiter.api.DisplayName;

/** The store contract S3Proxy and LocalStack pass, run on the in-memory fake the unit tests rely on. */
@DisplayName("FakeObjectStore passes the ObjectStore contract")
class FakeObjectStoreContractTest extends ObjectStoreContract {
    private static final FakeObjectStore STORE = new FakeObjectStore();

    @Override
    protected ObjectStore store() {
        return STORE;
    }
}
