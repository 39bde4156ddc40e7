package io.localstackmount.api;

/** Service type of the {@code rename} handler group. */
public interface RenameProvider extends HandlerProvider<RenameOps> {
}
