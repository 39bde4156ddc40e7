package io.localstackmount.core;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.OpenFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one owner of handle numbers and the open files behind them. Handlers register and find their
 * files here; only core moves them ({@link CoreStorage}).
 */
public final class HandleTable implements OpenFiles {
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final Map<Long, OpenFile> open = new ConcurrentHashMap<>();

    @Override
    public long register(OpenFile file) {
        long handle = nextHandle.getAndIncrement();
        open.put(handle, file);
        return handle;
    }

    @Override
    public <T extends OpenFile> T get(long handle, Class<T> type) {
        OpenFile file = open.get(handle);
        if (!type.isInstance(file)) {
            throw new FsException(Errno.EBADF, "no open file with handle " + handle);
        }
        return type.cast(file);
    }

    @Override
    public OpenFile remove(long handle) {
        OpenFile file = open.remove(handle);
        if (file == null) {
            throw new FsException(Errno.EBADF, "no open file with handle " + handle);
        }
        return file;
    }

    @Override
    public List<OpenFile> openAt(FsPath path) {
        List<OpenFile> result = new ArrayList<>(1);
        for (OpenFile file : open.values()) {
            if (file.path().equals(path)) {
                result.add(file);
            }
        }
        return result;
    }

    @Override
    public List<OpenFile> openIn(FsPath folder) {
        List<OpenFile> result = new ArrayList<>();
        for (OpenFile file : open.values()) {
            if (!file.path().isRoot() && file.path().parent().equals(folder)) {
                result.add(file);
            }
        }
        return result;
    }

    /** Moves every handle at or below {@code from} to the matching path below {@code to} (a rename). */
    void moved(FsPath from, FsPath to) {
        String fromKey = from.key();
        for (OpenFile file : open.values()) {
            FsPath p = file.path();
            if (p.equals(from)) {
                file.moveTo(to);
            } else if (from.contains(p)) {
                String rest = p.key().substring(fromKey.isEmpty() ? 0 : fromKey.length() + 1);
                file.moveTo(FsPath.of(to.bucket(), to.key().isEmpty() ? rest : to.key() + "/" + rest));
            }
        }
    }

    /** Every open file, in no order: for unmount, which stores what they hold. */
    public List<OpenFile> all() {
        return List.copyOf(open.values());
    }

    /** Drops every open file at unmount; nothing is uploaded here, and unsaved data stays staged for the next start. */
    public void discardAll() {
        for (Long handle : List.copyOf(open.keySet())) {
            OpenFile file = open.remove(handle);
            if (file != null) {
                file.discard();
            }
        }
    }

    public int size() {
        return open.size();
    }
}
