package io.localstackmount.api;

/**
 * The one exception type operations throw: an errno name, a message saying why (it is logged),
 * and the cause if there was one.
 */
public final class FsException extends RuntimeException {
    private final Errno errno;

    public FsException(Errno errno, String message) {
        this(errno, message, null);
    }

    public FsException(Errno errno, String message, Throwable cause) {
        // No stack trace of its own: these are answers, thrown for every missing name a tool probes;
        // the cause keeps its trace where there is one.
        super(message, cause, false, false);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }

    @Override
    public String getMessage() {
        return errno + ": " + super.getMessage();
    }
}
