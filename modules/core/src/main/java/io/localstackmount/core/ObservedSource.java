package io.localstackmount.core;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.GetResult;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectSource;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.Precondition;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The reads handlers send to S3, passed to the store and watched on the way back: an answer that
 * shows another version of an object than the mount shows, or shows it is gone, updates the
 * namespace at once (close-to-open: the open that saw it, and every later lookup, agree). So no
 * handler has to report what its reads found.
 */
final class ObservedSource implements ObjectSource {
    private final ObjectStore store;
    private final CachedNamespace namespace;

    ObservedSource(ObjectStore store, CachedNamespace namespace) {
        this.store = store;
        this.namespace = namespace;
    }

    @Override
    public List<String> listBuckets() {
        return store.listBuckets();
    }

    @Override
    public boolean bucketExists(String bucket) {
        return store.bucketExists(bucket);
    }

    @Override
    public Optional<ObjectInfo> head(String bucket, String key) {
        Optional<ObjectInfo> info = watch(bucket, key, () -> store.head(bucket, key));
        if (info.isPresent()) {
            fileAt(bucket, key).ifPresent(path -> namespace.observed(path, info.get()));
        } else {
            fileAt(bucket, key).ifPresent(namespace::observedMissing);
        }
        return info;
    }

    @Override
    public ListPage listPage(String bucket, String prefix, String token, int maxKeys) {
        return store.listPage(bucket, prefix, token, maxKeys);
    }

    @Override
    public int read(String bucket, String key, long offset, byte[] dst, int dstOffset, int length) {
        return watch(bucket, key, () -> store.read(bucket, key, offset, dst, dstOffset, length));
    }

    @Override
    public GetResult get(String bucket, String key, Precondition condition, long offset, byte[] dst, int dstOffset, int length) {
        GetResult result = watch(bucket, key, () -> store.get(bucket, key, condition, offset, dst, dstOffset, length));
        if (result.modified()) {
            fileAt(bucket, key).ifPresent(path -> namespace.observed(path, result.object()));
        }
        return result;
    }

    @Override
    public ObjectInfo download(String bucket, String key, Path target) throws IOException {
        try {
            return store.download(bucket, key, target);
        } catch (FsException e) {
            missing(bucket, key, e);
            throw e;
        }
    }

    @Override
    public void downloadRange(String bucket, String key, String etag, long offset, long length, FileChannel target) {
        watch(bucket, key, () -> {
            store.downloadRange(bucket, key, etag, offset, length, target);
            return null;
        });
    }

    @Override
    public String describe() {
        return store.describe();
    }

    private <T> T watch(String bucket, String key, Supplier<T> request) {
        try {
            return request.get();
        } catch (FsException e) {
            missing(bucket, key, e);
            throw e;
        }
    }

    private void missing(String bucket, String key, FsException e) {
        if (e.errno() == Errno.ENOENT) {
            fileAt(bucket, key).ifPresent(namespace::observedMissing);
        }
    }

    /** The file a key is the object of; empty for folder markers (their folders are listings' business). */
    private static Optional<FsPath> fileAt(String bucket, String key) {
        return key.isEmpty() || key.endsWith("/") ? Optional.empty() : Optional.of(FsPath.of(bucket, key));
    }
}
