package io.localstackmount.api;

/** Service type of the {@code xattr} handler group. */
public interface XattrProvider extends HandlerProvider<XattrOps> {
}
