package io.localstackmount.plugin.files;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FileOps;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.OpenFlags;
import io.localstackmount.api.PosixMetadata;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Files are objects. Reads are ranged GETs; writes go to a {@link StagedFile} and are uploaded when
 * the file is flushed (every close) or fsync'ed. Every descriptor open on one path shares one
 * {@link StagedFile}, so a second descriptor sees the first one's unsaved writes. Symlinks are
 * objects whose body is the target and whose stored mode says S_IFLNK, as s3fs writes them.
 */
final class StandardFiles implements FileOps {
    private final FsContext ctx;
    private final Uploads uploads;
    /**
     * Held while a descriptor looks for shared content and, finding none, registers its own, so that
     * one path never gets two. Leaving needs no lock: a content whose count reached 0 cannot be retained.
     */
    private final Object sharing = new Object();

    StandardFiles(FsContext ctx) {
        this.ctx = ctx;
        this.uploads = Uploads.from(ctx.settings());
    }

    @Override
    public long create(FsPath path, int mode, OpenFlags flags) {
        requireInBucket(path);
        path.requireValidLength();
        if (flags.exclusive() && ctx.namespace().find(path).isPresent()) {
            throw new FsException(Errno.EEXIST, path + " exists");
        }
        Optional<Joined> shared = joinShared(path, flags.append());
        if (shared.isPresent()) {
            // Another descriptor created it and has not saved it yet: this is an open of that file.
            return opened(shared.get(), flags, shared.get().content().attributes());
        }
        return register(StagedFile.create(ctx, uploads, path, mode), flags);
    }

    @Override
    public long open(FsPath path, OpenFlags flags) {
        Node node = ctx.namespace().lookup(path);
        if (node.isDirectory()) {
            throw new FsException(Errno.EISDIR, path + " is a folder");
        }
        Optional<Joined> shared = joinShared(path, flags.append());
        if (shared.isPresent()) {
            return opened(shared.get(), flags, node);
        }
        return register(StagedFile.open(ctx, uploads, path, node, flags), flags);
    }

    /** A descriptor registered on content other descriptors have open. */
    private record Joined(long handle, StagedFile content) {
    }

    /** The joined descriptor, once the content let it in (it may wait for an upload); on failure it is gone again. */
    private long opened(Joined joined, OpenFlags flags, Node looked) {
        try {
            joined.content().opened(flags, looked);
        } catch (FsException e) {
            releaseRef(joined.content());
            ctx.openFiles().remove(joined.handle());
            throw e;
        }
        return joined.handle();
    }

    /**
     * Registers a descriptor on content it opened itself. Another open of the same path may have
     * won the race meanwhile: this one then joins that content, so that a path never has two.
     */
    private long register(StagedFile content, OpenFlags flags) {
        Optional<Joined> raced;
        synchronized (sharing) {
            raced = joinShared(content.path(), flags.append());
            if (raced.isEmpty()) {
                return ctx.openFiles().register(new FileHandle(content, flags.append()));
            }
        }
        content.drop();
        return opened(raced.get(), flags, raced.get().content().attributes());
    }

    /**
     * A new descriptor on the content other descriptors have open at {@code path}, registered at once,
     * under the sharing lock, before the caller waits for that content (its upload may hold it): a
     * content that is shared always has a registered descriptor, so an open meanwhile finds it and a
     * path never gets a second content (two `>>` writers would otherwise each store their own).
     */
    private Optional<Joined> joinShared(FsPath path, boolean append) {
        synchronized (sharing) {
            for (OpenFile open : ctx.openFiles().openAt(path)) {
                if (open instanceof FileHandle handle && !handle.content().isUnlinked() && handle.content().retain()) {
                    StagedFile content = handle.content();
                    return Optional.of(new Joined(ctx.openFiles().register(new FileHandle(content, append)), content));
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A descriptor lets go of {@code content}. The last one frees it, unless it holds data that
     * could not be uploaded: never lose a write, so core keeps that open and retries it.
     */
    private void releaseRef(StagedFile content) {
        if (content.isDirty() && content.lastHandle()) {
            // The reference passes to core's descriptor: the count stays where it is.
            ctx.staging().keep(new FileHandle(content, false));
            return;
        }
        if (content.releaseHandle()) {
            content.discard();
        }
    }

    @Override
    public int read(FsPath path, long handle, byte[] dst, long offset, int length) {
        return file(handle).content().read(dst, offset, length);
    }

    @Override
    public int write(FsPath path, long handle, byte[] src, long offset, int length) {
        return file(handle).write(src, offset, length);
    }

    @Override
    public void flush(FsPath path, long handle) {
        file(handle).content().save();
    }

    @Override
    public void fsync(FsPath path, long handle) {
        file(handle).content().save();
    }

    @Override
    public void release(FsPath path, long handle) {
        // Content that core keeps is registered before this descriptor goes, so an open never misses it.
        releaseRef(file(handle).content());
        ctx.openFiles().remove(handle);
    }

    @Override
    public void truncate(FsPath path, long size, long handle) {
        if (handle != 0) {
            file(handle).content().truncate(size);
            return;
        }
        Optional<Joined> shared = joinShared(path, false);
        if (shared.isPresent()) {
            StagedFile content = shared.get().content();
            try {
                boolean unsavedBefore = content.isDirty();
                content.truncate(size);
                if (!unsavedBefore) {
                    content.save(); // nobody else had changes to store: truncate(1) stores at once
                }
            } finally {
                releaseRef(content);
                ctx.openFiles().remove(shared.get().handle());
            }
            return;
        }
        Node node = ctx.namespace().lookup(path);
        if (node.isDirectory()) {
            throw new FsException(Errno.EISDIR, path + " is a folder");
        }
        StagedFile file = StagedFile.open(ctx, uploads, path, node, new OpenFlags(true, true, false, false, false));
        try {
            file.truncate(size);
            file.save();
        } finally {
            releaseRef(file);
        }
    }

    @Override
    public void unlink(FsPath path) {
        Node node = ctx.namespace().lookup(path);
        if (node.isDirectory()) {
            throw new FsException(Errno.EISDIR, path + " is a folder: use rmdir");
        }
        ctx.storage().remove(path);
    }

    @Override
    public void symlink(String target, FsPath link) {
        requireInBucket(link);
        link.requireValidLength();
        if (ctx.namespace().find(link).isPresent()) {
            throw new FsException(Errno.EEXIST, link + " exists");
        }
        byte[] body = target.getBytes(StandardCharsets.UTF_8);
        ctx.storage().put(link, body, PosixMetadata.of(Map.of(), NodeType.SYMLINK, 0777, ctx.options().uid(),
                ctx.options().gid(), ctx.clock().instant()), "application/octet-stream");
    }

    @Override
    public String readlink(FsPath path) {
        Node node = ctx.namespace().lookup(path);
        if (node.type() != NodeType.SYMLINK) {
            throw new FsException(Errno.EINVAL, path + " is not a symlink");
        }
        byte[] body = new byte[(int) node.size()];
        int n = node.size() == 0 ? 0 : ctx.store().read(path.bucket(), path.key(), 0, body, 0, body.length);
        return new String(body, 0, n, StandardCharsets.UTF_8);
    }

    private FileHandle file(long handle) {
        return ctx.openFiles().get(handle, FileHandle.class);
    }

    private static void requireInBucket(FsPath path) {
        if (!path.isObject()) {
            throw new FsException(Errno.EPERM, "cannot create " + path + ": only folders (buckets) can be made at the mount root");
        }
    }
}
