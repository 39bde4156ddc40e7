/** The jnr-fuse host: the only place where errno numbers and jnr types appear; mount lifecycle. */
module io.localstackmount.fuse {
    // Its api takes core's Dispatcher: whoever mounts has core anyway.
    requires transitive io.localstackmount.core;
    requires org.jnrproject.ffi;
    requires org.slf4j;

    exports io.localstackmount.fuse;
}
