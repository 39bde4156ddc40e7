package io.localstackmount.api;

/**
 * Service type of cache policies, found through {@link java.util.ServiceLoader} like the handler
 * groups: config selects one by {@link #name()} ({@code cache.policy}). The context it is created
 * with carries the {@code cache.*} settings and the mount's {@link FsContext#contentCache()}.
 */
public interface CachePolicyProvider extends HandlerProvider<CachePolicy> {
}
