/** cache policy etag: cached bodies revalidated with If-None-Match. */
module io.localstackmount.plugin.cache.etag {
    requires io.localstackmount.api;

    provides io.localstackmount.api.CachePolicyProvider with io.localstackmount.plugin.cache.etag.EtagCacheProvider;
}
