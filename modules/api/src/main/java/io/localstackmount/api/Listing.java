package io.localstackmount.api;

import java.util.List;

/** All pages of a delimited listing, joined. */
public record Listing(List<ObjectInfo> objects, List<String> commonPrefixes) {

    public boolean isEmpty() {
        return objects.isEmpty() && commonPrefixes.isEmpty();
    }
}
