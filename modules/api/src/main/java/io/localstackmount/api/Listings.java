package io.localstackmount.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The pagination loop over {@link ObjectSource#listPage}, shared by every store. */
public final class Listings {
    /** S3's own page size limit; some emulators do not cap it themselves. */
    public static final int PAGE_SIZE = 1000;

    private Listings() {
    }

    public static Listing all(ObjectSource store, String bucket, String prefix) {
        List<ObjectInfo> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        Set<String> seenTokens = new HashSet<>();
        String token = null;
        do {
            ListPage page = store.listPage(bucket, prefix, token, PAGE_SIZE);
            objects.addAll(page.objects());
            prefixes.addAll(page.commonPrefixes());
            token = page.nextToken();
            if (token != null && !seenTokens.add(token)) {
                // A server that hands out the same token twice would loop forever (seen on emulators).
                throw new FsException(Errno.EIO, "listing of s3://" + bucket + "/" + prefix + " repeated continuation token " + token);
            }
        } while (token != null);
        return new Listing(objects, prefixes);
    }
}
