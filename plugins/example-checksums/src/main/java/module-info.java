/**
 * An example drop-in plugin: an {@code xattr} provider named {@code checksums} that shows content
 * checksums ({@code user.sha256}, ...) of objects as extended attributes. Needs only the api.
 */
module io.localstackmount.example.checksums {
    requires io.localstackmount.api;

    provides io.localstackmount.api.XattrProvider with io.localstackmount.example.checksums.ChecksumsProvider;
}
