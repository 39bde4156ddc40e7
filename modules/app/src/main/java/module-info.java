/** The command line: configuration, wiring, signals and the embedded S3 server. */
module io.localstackmount.app {
    requires io.localstackmount.api;
    requires io.localstackmount.core;
    requires io.localstackmount.fuse;
    requires io.localstackmount.s3;
    requires org.slf4j;
    requires info.picocli;
    // sun.misc.Signal: Ctrl-C and SIGTERM unmount and exit 0.
    requires jdk.unsupported;
}
