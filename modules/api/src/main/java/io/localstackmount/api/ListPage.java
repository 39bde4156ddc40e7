package io.localstackmount.api;

import java.util.List;

/**
 * One page of a delimited listing.
 *
 * @param objects         objects directly under the prefix (including a folder marker equal to it)
 * @param commonPrefixes  sub-prefixes, each ending in the delimiter
 * @param nextToken       continuation token, or null on the last page
 */
public record ListPage(List<ObjectInfo> objects, List<String> commonPrefixes, String nextToken) {
}
