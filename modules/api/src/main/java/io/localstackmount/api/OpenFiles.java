package io.localstackmount.api;

import java.util.List;

/**
 * The handle table: the only place that issues handle numbers and remembers open files. Handlers
 * register and find their open files here; moving and unlinking them is core's job ({@link Storage}).
 */
public interface OpenFiles {

    long register(OpenFile file);

    /** The open file behind {@code handle}; EBADF when there is none of that type. */
    <T extends OpenFile> T get(long handle, Class<T> type);

    /** Removes and returns the open file; EBADF when unknown. */
    OpenFile remove(long handle);

    /** Every open handle on {@code path}. */
    List<OpenFile> openAt(FsPath path);

    /** Every open handle on a direct child of {@code folder}. */
    List<OpenFile> openIn(FsPath folder);
}
