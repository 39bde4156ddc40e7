package io.localstackmount.fuse;

import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;

/**
 * The part of libfuse 2.9's API that {@code fuse_main} is made of: set-up, the session's request
 * channel, and tear-down, so that {@link FuseLoop} can run the request loop on threads of its own.
 * Public only because jnr-ffi implements it from outside this module.
 */
@SuppressWarnings("exports") // jnr types: only jnr-ffi, which implements this, sees them
public interface LibFuseSession {

    Pointer fuse_setup(int argc, String[] argv, Pointer operations, @size_t long operationsSize,
                       PointerByReference mountpoint, IntByReference multithreaded, Pointer userData);

    void fuse_teardown(Pointer fuse, Pointer mountpoint);

    Pointer fuse_get_session(Pointer fuse);

    Pointer fuse_session_next_chan(Pointer session, Pointer channel);

    @size_t long fuse_chan_bufsize(Pointer channel);

    /**
     * One request into {@code buf}: its length, 0 once the filesystem is unmounted, or -errno.
     * {@code channelSlot} holds a {@code struct fuse_chan *}; libfuse may replace it with the
     * channel the request came from.
     */
    int fuse_chan_recv(Pointer channelSlot, Pointer buf, @size_t long size);

    void fuse_session_process(Pointer session, Pointer buf, @size_t long length, Pointer channel);

    int fuse_session_exited(Pointer session);

    void fuse_session_exit(Pointer session);
}
