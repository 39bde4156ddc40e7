/** cache policy none: no content cache, every read is a GET. */
module io.localstackmount.plugin.cache.none {
    requires io.localstackmount.api;

    provides io.localstackmount.api.CachePolicyProvider with io.localstackmount.plugin.cache.none.NoCacheProvider;
}
