/**
 * For tests only: the in-memory store that answers as S3 does (with failure injection), the
 * contract every store passes, and {@code TestMount}, a filesystem with the plugins found on the
 * class path over that store, driven through the dispatcher without a kernel.
 */
module io.localstackmount.testkit {
    requires transitive io.localstackmount.api;
    requires transitive io.localstackmount.core;
    // Their types are in the kit's api: ManualTime is a Ticker, the contract a JUnit test.
    requires transitive com.github.benmanes.caffeine;
    requires transitive org.junit.jupiter.api;

    exports io.localstackmount.testkit;
}
