/** The standard xattr handlers: S3 system metadata and user metadata as {@code user.*} extended attributes. */
module io.localstackmount.plugin.xattr {
    requires io.localstackmount.api;

    provides io.localstackmount.api.XattrProvider with io.localstackmount.plugin.xattr.StandardXattrProvider;
}
