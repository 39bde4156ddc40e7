package io.localstackmount.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The pagination loop every store shares, over a store that answers scripted pages. */
class ListingsTest {

    /** One scripted answer: the token the loop must send, and the page to return. */
    private record Step(String expectedToken, ListPage page) {
    }

    /**
     * A store whose only working operation is {@code listPage}, answering {@link Step}s in order; a
     * proxy, so that it keeps compiling as the store interface grows.
     */
    private static class PagedStore {
        private final List<Step> steps;
        final List<String> tokensSeen = new ArrayList<>();
        final List<Integer> maxKeysSeen = new ArrayList<>();
        final List<String> prefixesSeen = new ArrayList<>();

        PagedStore(Step... steps) {
            this.steps = Arrays.asList(steps);
        }

        ListPage listPage(String bucket, String prefix, String token, int maxKeys) {
            int call = tokensSeen.size();
            tokensSeen.add(token);
            maxKeysSeen.add(maxKeys);
            prefixesSeen.add(bucket + ":" + prefix);
            if (call >= steps.size()) {
                throw new AssertionError("listPage called " + (call + 1) + " times, only " + steps.size() + " pages exist");
            }
            Step step = steps.get(call);
            assertEquals(step.expectedToken(), token, "token sent for page " + (call + 1));
            return step.page();
        }

        ObjectStore asStore() {
            InvocationHandler handler = (proxy, method, args) -> {
                if (method.getName().equals("listPage")) {
                    return listPage((String) args[0], (String) args[1], (String) args[2], (Integer) args[3]);
                }
                if (method.isDefault()) {
                    return InvocationHandler.invokeDefault(proxy, method, args);
                }
                throw new UnsupportedOperationException(method.getName() + " is not needed by the pagination loop");
            };
            return (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(), new Class<?>[] {ObjectStore.class}, handler);
        }
    }

    private static ObjectInfo obj(String key) {
        return new ObjectInfo(key, key.length(), Instant.EPOCH, "etag-" + key, null, null);
    }

    private static ListPage page(List<String> keys, List<String> prefixes, String next) {
        return new ListPage(keys.stream().map(ListingsTest::obj).toList(), prefixes, next);
    }

    private static List<String> keys(Listing l) {
        return l.objects().stream().map(ObjectInfo::key).toList();
    }

    @Nested
    @DisplayName("pagination")
    class Pagination {
        @Test
        @DisplayName("one page: one request, no token, page size 1000")
        void onePage() {
            PagedStore store = new PagedStore(new Step(null, page(List.of("d/a", "d/b"), List.of("d/sub/"), null)));
            Listing l = Listings.all(store.asStore(), "bkt", "d/");
            assertEquals(List.of("d/a", "d/b"), keys(l));
            assertEquals(List.of("d/sub/"), l.commonPrefixes());
            assertEquals(1, store.tokensSeen.size());
            assertEquals(List.of(Listings.PAGE_SIZE), store.maxKeysSeen);
            assertEquals(1000, Listings.PAGE_SIZE);
            assertEquals(List.of("bkt:d/"), store.prefixesSeen);
        }

        @Test
        @DisplayName("three pages are joined in order, each request carrying the previous page's token")
        void threePages() {
            PagedStore store = new PagedStore(
                    new Step(null, page(List.of("a", "b"), List.of("c/"), "t1")),
                    new Step("t1", page(List.of("d"), List.of(), "t2")),
                    new Step("t2", page(List.of(), List.of("e/", "f/"), null)));
            Listing l = Listings.all(store.asStore(), "bkt", "");
            assertEquals(List.of("a", "b", "d"), keys(l));
            assertEquals(List.of("c/", "e/", "f/"), l.commonPrefixes());
            assertEquals(Arrays.asList(null, "t1", "t2"), store.tokensSeen);
            assertTrue(store.prefixesSeen.stream().allMatch("bkt:"::equals));
        }

        @Test
        @DisplayName("an empty listing is one request and empty")
        void empty() {
            PagedStore store = new PagedStore(new Step(null, page(List.of(), List.of(), null)));
            Listing l = Listings.all(store.asStore(), "bkt", "nothing/");
            assertTrue(l.isEmpty());
            assertEquals(1, store.tokensSeen.size());
        }

        @Test
        @DisplayName("empty pages with a token in between are followed, not taken as the end")
        void emptyPagesInBetween() {
            PagedStore store = new PagedStore(
                    new Step(null, page(List.of(), List.of(), "t1")),
                    new Step("t1", page(List.of("x"), List.of(), null)));
            assertEquals(List.of("x"), keys(Listings.all(store.asStore(), "bkt", "")));
        }

        @Test
        @DisplayName("ObjectStore.list defaults to the same loop")
        void defaultList() {
            PagedStore store = new PagedStore(
                    new Step(null, page(List.of("a"), List.of(), "t1")),
                    new Step("t1", page(List.of("b"), List.of(), null)));
            assertEquals(List.of("a", "b"), keys(store.asStore().list("bkt", "")));
        }
    }

    @Nested
    @DisplayName("a server that repeats a token")
    class RepeatedToken {
        @Test
        @DisplayName("the same token twice in a row is EIO naming bucket, prefix and token")
        void sameTokenTwice() {
            PagedStore store = new PagedStore(
                    new Step(null, page(List.of("a"), List.of(), "loop")),
                    new Step("loop", page(List.of("b"), List.of(), "loop")));
            FsException e = assertThrows(FsException.class, () -> Listings.all(store.asStore(), "bkt", "d/"));
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage().contains("s3://bkt/d/"), e.getMessage());
            assertTrue(e.getMessage().contains("loop"), e.getMessage());
            assertEquals(2, store.tokensSeen.size(), "stops at once instead of looping");
        }

        @Test
        @DisplayName("a token coming back after another one is EIO too")
        void cycle() {
            PagedStore store = new PagedStore(
                    new Step(null, page(List.of("a"), List.of(), "A")),
                    new Step("A", page(List.of("b"), List.of(), "B")),
                    new Step("B", page(List.of("c"), List.of(), "A")));
            FsException e = assertThrows(FsException.class, () -> Listings.all(store.asStore(), "bkt", ""));
            assertEquals(Errno.EIO, e.errno());
            assertEquals(3, store.tokensSeen.size());
        }
    }

    @Test
    @DisplayName("a failing page propagates its FsException unchanged")
    void failurePropagates() {
        FsException boom = new FsException(Errno.EACCES, "denied");
        PagedStore store = new PagedStore() {
            @Override
            ListPage listPage(String bucket, String prefix, String token, int maxKeys) {
                throw boom;
            }
        };
        assertSame(boom, assertThrows(FsException.class, () -> Listings.all(store.asStore(), "bkt", "")));
    }
}
