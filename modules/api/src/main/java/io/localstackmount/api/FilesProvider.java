package io.localstackmount.api;

/** Service type of the {@code files} handler group. */
public interface FilesProvider extends HandlerProvider<FileOps> {
}
