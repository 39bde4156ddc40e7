/** cache policy if-modified-since: cached bodies revalidated with If-Modified-Since. */
module io.localstackmount.plugin.cache.ifmodifiedsince {
    requires io.localstackmount.api;

    provides io.localstackmount.api.CachePolicyProvider with io.localstackmount.plugin.cache.ifmodifiedsince.IfModifiedSinceCacheProvider;
}
