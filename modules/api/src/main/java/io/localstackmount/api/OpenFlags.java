package io.localstackmount.api;

/** The parts of open(2)'s flags the handlers care about, decoded once by the FUSE host. */
public record OpenFlags(boolean read, boolean write, boolean truncate, boolean append, boolean exclusive) {

    public static final OpenFlags READ_ONLY = new OpenFlags(true, false, false, false, false);
}
