package io.localstackmount.api;

/** Service type of the {@code dirs} handler group. */
public interface DirsProvider extends HandlerProvider<DirOps> {
}
