/**
 * For tests only: the in-memory store that answers as S3 does (with failure injection), the
 * contract every store passes, and {@code TestMount}, a filesystem with the plugins found on the
 * class path over that store, driven through the dispatcher without a kernel.
 */
module io.localstackmount.testkit {
    requires transitive io.localstackmount.api;
    requires transitive io.localstackmount.core;
    requires com.github.benmanes.caffeine;
    requires org.junit.jupiter.api;

    exports io.localstackmount.testkit;
}
