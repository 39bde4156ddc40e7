package io.localstackmount.api;

/**
 * A named factory for one handler group, found through {@link java.util.ServiceLoader}. Built-in
 * providers are ordinary providers; config selects one provider per group by name.
 *
 * @param <T> the group's handler interface
 */
public interface HandlerProvider<T> {

    /** The name config selects this provider by, unique within its group. */
    String name();

    T create(FsContext context);
}
