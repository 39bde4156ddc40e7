package io.localstackmount.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTest {
    private final S3Errors errors = new S3Errors("http://localhost:4566 (us-east-1)",
            new Deadlines(S3StoreConfig.builder().build()));

    private static S3Exception s3(int status, String code) {
        S3Exception.Builder b = S3Exception.builder().statusCode(status).message("msg");
        if (code != null) {
            b.awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("m " + code).build());
        }
        return (S3Exception) b.build();
    }

    private Errno errno(RuntimeException e) {
        return errors.map("Op", "b", "k", e).errno();
    }

    @Test
    void notFound() {
        assertEquals(Errno.ENOENT, errno(s3(404, null)), "a bare 404 without a code");
        assertEquals(Errno.ENOENT, errno(s3(404, "NoSuchBucket")));
        assertEquals(Errno.ENOENT, errno((RuntimeException) NoSuchKeyException.builder().statusCode(404).build()));
    }

    @Test
    void refused() {
        assertEquals(Errno.EACCES, errno(s3(403, "AccessDenied")));
        FsException e = errors.map("Op", "b", "k", s3(403, "InvalidAccessKeyId"));
        assertTrue(e.getMessage().contains("check the access key"), e.getMessage());
        assertEquals(Errno.EACCES, errno(s3(403, null)));
    }

    @Test
    void conflicts() {
        assertEquals(Errno.ENOTEMPTY, errno(s3(409, "BucketNotEmpty")));
        assertEquals(Errno.EEXIST, errno(s3(409, "BucketAlreadyExists")));
        assertEquals(Errno.EFBIG, errno(s3(400, "EntityTooLarge")));
        assertEquals(Errno.EINVAL, errno(s3(400, "InvalidBucketName")));
    }

    @Test
    void serverAndNetworkFailuresAreEio() {
        FsException e = errors.map("PutObject", "bucket", "a/key", s3(503, "SlowDown"));
        assertEquals(Errno.EIO, e.errno());
        assertTrue(e.getMessage().contains("PutObject s3://bucket/a/key at http://localhost:4566 (us-east-1)"), e.getMessage());
        assertTrue(e.getMessage().contains("503"), e.getMessage());

        SdkClientException refused = SdkClientException.builder().message("Unable to execute HTTP request")
                .cause(new ConnectException("Connection refused")).build();
        FsException n = errors.map("HeadObject", "bucket", "k", refused);
        assertEquals(Errno.EIO, n.errno());
        assertTrue(n.getMessage().contains("cannot reach http://localhost:4566"), n.getMessage());
        assertTrue(n.getMessage().contains("Connection refused"), n.getMessage());
        assertSame(refused, n.getCause());
    }

    @Test
    void nonSdkFailures() {
        assertEquals(Errno.EINVAL, errno(new IllegalArgumentException("Bucket name should be between 3 and 63 characters long")));
        assertEquals(Errno.EIO, errno(new UncheckedIOException(new java.io.IOException("reset"))));
    }

    @Test
    void timeoutsAreEioNamingTheBound() {
        Deadlines deadlines = new Deadlines(S3StoreConfig.builder().attemptTimeout(java.time.Duration.ofSeconds(1))
                .callTimeout(java.time.Duration.ofSeconds(3)).minThroughput(1024).build());
        S3Errors timed = new S3Errors("http://h:1 (us-east-1)", deadlines);
        FsException e = timed.map("HeadObject", "b", "k", ApiCallTimeoutException.create(3000));
        assertEquals(Errno.EIO, e.errno());
        assertEquals("EIO: HeadObject s3://b/k at http://h:1 (us-east-1): timed out: no answer within 3.0 s (s3.call-timeout),"
                + " each attempt 1.0 s (s3.attempt-timeout)", e.getMessage());
        e = timed.map("PutObject", "b", "k", ApiCallAttemptTimeoutException.create(1000), deadlines.transfer(2048));
        assertTrue(e.getMessage().contains("timed out: no answer within 5.0 s (s3.call-timeout plus 2.0 s for 2048 bytes"
                + " at s3.min-throughput), each attempt 3.0 s"), e.getMessage());
    }
}
