/** The contract between the FUSE host, core, object stores and plugins. Plugins see only this module. */
module io.localstackmount.api {
    requires transitive org.slf4j;

    exports io.localstackmount.api;
}
