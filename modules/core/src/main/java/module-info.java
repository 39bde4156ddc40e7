/**
 * Caches, the handle table, the storage service, configuration, the plugin registry and the
 * dispatcher. Exported only to the modules that build and drive a filesystem: plugins, built-in or
 * dropped in, see the api and nothing of core.
 */
@SuppressWarnings("module") // the test kit is not part of the runtime image
module io.localstackmount.core {
    requires transitive io.localstackmount.api;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;

    exports io.localstackmount.core to io.localstackmount.fuse, io.localstackmount.app, io.localstackmount.testkit;

    uses io.localstackmount.api.AttrsProvider;
    uses io.localstackmount.api.DirsProvider;
    uses io.localstackmount.api.FilesProvider;
    uses io.localstackmount.api.RenameProvider;
    uses io.localstackmount.api.XattrProvider;
    uses io.localstackmount.api.CachePolicyProvider;
}
