package io.localstackmount.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import io.localstackmount.api.Listing;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsRequest;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The store's own logic against a stub {@link S3Client}: no server, no network. */
class S3ObjectStoreStubTest {

    /** S3Client's methods are defaults that throw UnsupportedOperationException; stubs override the few they serve. */
    private abstract static class StubClient implements S3Client {
        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }

    private static S3ObjectStore store(S3Client client) {
        return new S3ObjectStore(client, null, "us-east-1", "stub (us-east-1)", Clock.systemUTC());
    }

    /** A client that answers ListObjectsV2 with {@code pages}, given the request. */
    private static S3Client listing(Function<ListObjectsV2Request, ListObjectsV2Response> pages) {
        return new StubClient() {
            @Override
            public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
                return pages.apply(request);
            }

        };
    }

    @Nested
    @DisplayName("listing")
    class Listings {
        @Test
        @DisplayName("5,000 keys in pages of 1,000 come back complete")
        void fiveThousandKeys() {
            List<ListObjectsV2Request> seen = new ArrayList<>();
            S3Client client = listing(request -> {
                seen.add(request);
                int from = request.continuationToken() == null ? 0 : Integer.parseInt(request.continuationToken());
                int to = Math.min(from + request.maxKeys(), 5_000);
                List<S3Object> objects = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    objects.add(S3Object.builder().key("p/k" + i).size(1L).eTag("\"e" + i + "\"").lastModified(Instant.EPOCH).build());
                }
                return ListObjectsV2Response.builder().contents(objects).isTruncated(to < 5_000)
                        .nextContinuationToken(to < 5_000 ? Integer.toString(to) : null).build();
            });
            Listing listing = store(client).list("b", "p/");
            assertEquals(5_000, listing.objects().size());
            assertEquals("e4999", listing.objects().get(4_999).etag(), "quotes stripped");
            assertNull(listing.objects().get(0).metadata());
            assertEquals(5, seen.size());
            for (ListObjectsV2Request r : seen) {
                assertEquals("/", r.delimiter());
                assertEquals("p/", r.prefix());
                assertEquals(1_000, r.maxKeys());
                assertNull(r.encodingTypeAsString(), "never encoding-type=url");
            }
        }

        @Test
        @DisplayName("max-keys is capped at 1,000")
        void capped() {
            List<Integer> asked = new ArrayList<>();
            S3Client client = listing(request -> {
                asked.add(request.maxKeys());
                return ListObjectsV2Response.builder().isTruncated(false).build();
            });
            store(client).listPage("b", "", null, 50_000);
            store(client).listPage("b", "", null, 10);
            assertEquals(List.of(1_000, 10), asked);
        }

        @Test
        @DisplayName("a repeated continuation token is EIO, not an endless loop")
        void repeatedToken() {
            AtomicInteger calls = new AtomicInteger();
            S3Client client = listing(request -> {
                int n = calls.incrementAndGet();
                // t1, t2, t1, ...: each page differs from the request's token, the cycle does not end.
                String next = n % 2 == 1 ? "t1" : "t2";
                return ListObjectsV2Response.builder()
                        .contents(S3Object.builder().key("k" + n).size(0L).build())
                        .isTruncated(true).nextContinuationToken(next).build();
            });
            FsException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertThrows(FsException.class, () -> store(client).list("b", "")));
            assertEquals(Errno.EIO, e.errno());
            assertTrue(calls.get() < 10, "stopped after " + calls.get() + " pages");
        }

        @Test
        @DisplayName("a token equal to the one sent is EIO at once")
        void sameToken() {
            S3Client client = listing(request -> ListObjectsV2Response.builder()
                    .isTruncated(true).nextContinuationToken("same").build());
            FsException e = assertThrows(FsException.class, () -> store(client).listPage("b", "", "same", 1000));
            assertEquals(Errno.EIO, e.errno());
        }

        @Test
        @DisplayName("truncated without a token is EIO")
        void truncatedWithoutToken() {
            S3Client client = listing(request -> ListObjectsV2Response.builder().isTruncated(true).build());
            assertEquals(Errno.EIO, assertThrows(FsException.class, () -> store(client).list("b", "")).errno());
        }

        @Test
        @DisplayName("ListBuckets follows continuation tokens")
        void bucketPages() {
            S3Client client = new StubClient() {
                @Override
                public ListBucketsResponse listBuckets(ListBucketsRequest request) {
                    if (request.continuationToken() == null) {
                        return ListBucketsResponse.builder().buckets(Bucket.builder().name("a").build()).continuationToken("2").build();
                    }
                    return ListBucketsResponse.builder().buckets(Bucket.builder().name("b").build()).build();
                }

            };
            assertEquals(List.of("a", "b"), store(client).listBuckets());
        }
    }

    @Nested
    @DisplayName("read")
    class Read {
        private final byte[] object = new byte[100];

        {
            for (int i = 0; i < object.length; i++) {
                object[i] = (byte) i;
            }
        }

        /** Serves {@code object}, honouring Range unless told not to, 7 bytes per read() call. */
        private S3Client serving(boolean honourRange, List<String> ranges) {
            return new StubClient() {
                @Override
                public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
                    ranges.add(request.range());
                    byte[] body = object;
                    GetObjectResponse.Builder response = GetObjectResponse.builder();
                    if (honourRange && request.range() != null) {
                        String[] parts = request.range().substring("bytes=".length()).split("-");
                        int from = Integer.parseInt(parts[0]);
                        int to = Math.min(Integer.parseInt(parts[1]), object.length - 1);
                        body = Arrays.copyOfRange(object, from, to + 1);
                        response.contentRange("bytes " + from + "-" + to + "/" + object.length);
                    }
                    response.contentLength((long) body.length);
                    return new ResponseInputStream<>(response.build(), AbortableInputStream.create(trickle(body)));
                }

            };
        }

        @Test
        @DisplayName("sends bytes=offset-(offset+length-1) and reads until the range is full")
        void rangeHeaderAndShortReads() {
            List<String> ranges = new ArrayList<>();
            byte[] dst = new byte[50];
            assertEquals(40, store(serving(true, ranges)).read("b", "k", 10, dst, 5, 40));
            assertEquals(List.of("bytes=10-49"), ranges);
            assertArrayEquals(Arrays.copyOfRange(object, 10, 50), Arrays.copyOfRange(dst, 5, 45));
        }

        @Test
        @DisplayName("a server that ignores Range still yields the right bytes")
        void rangeIgnored() {
            byte[] dst = new byte[20];
            assertEquals(20, store(serving(false, new ArrayList<>())).read("b", "k", 30, dst, 0, 20));
            assertArrayEquals(Arrays.copyOfRange(object, 30, 50), dst);
            assertEquals(0, store(serving(false, new ArrayList<>())).read("b", "k", 500, dst, 0, 20));
        }

        @Test
        @DisplayName("length 0 sends no request")
        void zeroLength() {
            List<String> ranges = new ArrayList<>();
            assertEquals(0, store(serving(true, ranges)).read("b", "k", 0, new byte[1], 0, 0));
            assertTrue(ranges.isEmpty());
        }
    }

    /** An input stream that hands out at most 7 bytes per read, like a slow network. */
    private static FilterInputStream trickle(byte[] body) {
        return new FilterInputStream(new ByteArrayInputStream(body)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 7));
            }
        };
    }
}
