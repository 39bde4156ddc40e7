/** cache policy trust-for: cached bodies trusted for a while without asking S3, then revalidated by ETag. */
module io.localstackmount.plugin.cache.trustfor {
    requires io.localstackmount.api;

    provides io.localstackmount.api.CachePolicyProvider with io.localstackmount.plugin.cache.trustfor.TrustForCacheProvider;
}
