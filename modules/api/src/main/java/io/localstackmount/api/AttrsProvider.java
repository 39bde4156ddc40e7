package io.localstackmount.api;

/** Service type of the {@code attrs} handler group. */
public interface AttrsProvider extends HandlerProvider<AttrOps> {
}
