/** Caches, the handle table, configuration, the plugin registry and the dispatcher. */
module io.localstackmount.core {
    requires transitive io.localstackmount.api;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;

    exports io.localstackmount.core;

    uses io.localstackmount.api.AttrsProvider;
    uses io.localstackmount.api.DirsProvider;
    uses io.localstackmount.api.FilesProvider;
    uses io.localstackmount.api.RenameProvider;
    uses io.localstackmount.api.XattrProvider;
    uses io.localstackmount.api.CachePolicyProvider;
}
