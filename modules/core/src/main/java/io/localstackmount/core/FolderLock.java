package io.localstackmount.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock a running mount holds on its staging folder ({@code mount-*}/lock), so that the next
 * start, or a second mount, can tell a live folder from one a stopped or killed mount left: the
 * kernel releases the lock when the process dies, however it dies.
 */
final class FolderLock implements AutoCloseable {
    static final String NAME = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code folder}; null when another process (or another mount in this one) holds it. */
    static FolderLock tryTake(Path folder) throws IOException {
        FileChannel channel = FileChannel.open(folder.resolve(NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new FolderLock(channel, lock);
            }
        } catch (OverlappingFileLockException e) {
            // held by another mount of this JVM: live
        }
        channel.close();
        return null;
    }

    /** True when {@code folder} has a lock file (a folder without one may be a mount that is just starting). */
    static boolean present(Path folder) {
        return Files.exists(folder.resolve(NAME));
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
