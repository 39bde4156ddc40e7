/** The standard attrs handlers: stat, chmod, chown, utimens and statfs over S3 object metadata. */
module io.localstackmount.plugin.attrs {
    requires io.localstackmount.api;

    provides io.localstackmount.api.AttrsProvider with io.localstackmount.plugin.attrs.StandardAttrsProvider;
}
