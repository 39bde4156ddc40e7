package io.localstackmount.plugin.rename;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.Listings;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectSource;
import io.localstackmount.api.Parallel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every object below a folder prefix (its marker {@code dir/} and the markers of subfolders
 * included), found with delimited listings, the only kind the store offers: one level of the tree
 * at a time, the folders of a level listed in parallel. It stops as soon as what it found passes a
 * limit, so that a huge folder costs a few pages rather than a full walk; {@link StandardRename}
 * then answers EXDEV.
 */
final class FolderWalk {
    private final ObjectSource store;
    private final ExecutorService workers;
    private final RenameSettings settings;
    private final String bucket;
    private final List<ObjectInfo> objects = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong keys = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    /** Why the folder is over a limit, or null while it is not. */
    private volatile String overLimit;

    /**
     * What a walk found.
     *
     * @param objects   every object below the prefix, when within the limits; empty otherwise
     * @param bytes     their total size (so far, when over a limit)
     * @param overLimit why the folder cannot be renamed here, or null
     */
    record Result(List<ObjectInfo> objects, long bytes, String overLimit) {
    }

    private FolderWalk(ObjectSource store, ExecutorService workers, RenameSettings settings, String bucket) {
        this.store = store;
        this.workers = workers;
        this.settings = settings;
        this.bucket = bucket;
    }

    /** Walks everything below {@code prefix} (which ends in {@code /}); store failures propagate. */
    static Result walk(ObjectSource store, ExecutorService workers, RenameSettings settings, String bucket, String prefix) {
        return new FolderWalk(store, workers, settings, bucket).run(prefix);
    }

    private Result run(String prefix) {
        List<String> level = List.of(prefix);
        while (!level.isEmpty() && overLimit == null) {
            List<String> nextLevel = Collections.synchronizedList(new ArrayList<>());
            List<Parallel.Failure<String>> failures =
                    Parallel.run(workers, settings.parallelism(), level, p -> listFolder(p, nextLevel), true);
            if (!failures.isEmpty()) {
                Parallel.Failure<String> first = failures.get(0);
                if (first.error() instanceof FsException fs) {
                    throw fs;
                }
                throw new FsException(Errno.EIO, "listing s3://" + bucket + "/" + first.item() + " failed: " + first.error(),
                        first.error());
            }
            level = new ArrayList<>(nextLevel);
        }
        if (overLimit != null) {
            return new Result(List.of(), bytes.get(), overLimit);
        }
        return new Result(List.copyOf(objects), bytes.get(), null);
    }

    private void listFolder(String prefix, List<String> subfolders) {
        Set<String> seenTokens = new HashSet<>();
        String token = null;
        do {
            if (overLimit != null) {
                return;
            }
            ListPage page = store.listPage(bucket, prefix, token, Listings.PAGE_SIZE);
            for (ObjectInfo object : page.objects()) {
                add(object);
            }
            subfolders.addAll(page.commonPrefixes());
            token = page.nextToken();
            if (token != null && !seenTokens.add(token)) {
                // A server that hands out the same token twice would loop forever (seen on emulators).
                throw new FsException(Errno.EIO, "listing of s3://" + bucket + "/" + prefix + " repeated continuation token " + token);
            }
        } while (token != null);
    }

    private void add(ObjectInfo object) {
        objects.add(object);
        long n = keys.incrementAndGet();
        long total = bytes.addAndGet(object.size());
        if (n > settings.maxKeys()) {
            overLimit = "it holds more than " + settings.maxKeys() + " objects (rename setting max-keys)";
        } else if (total > settings.maxBytes()) {
            overLimit = "it holds more than " + settings.maxBytes() + " bytes (rename setting max-bytes)";
        }
    }
}
