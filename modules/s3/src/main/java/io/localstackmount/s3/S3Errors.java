package io.localstackmount.s3;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place where S3 and SDK failures become errno names. The status code decides first,
 * because some clients and emulators report a missing key as a bare 404 without an error code;
 * the error code refines it (409 BucketNotEmpty vs BucketAlreadyExists). Everything the server or
 * the network got wrong is EIO, with a message naming the endpoint, the operation and the object.
 */
final class S3Errors {
    static final String BUCKET_NOT_EMPTY = "BucketNotEmpty";
    static final String BUCKET_ALREADY_EXISTS = "BucketAlreadyExists";
    static final String BUCKET_ALREADY_OWNED_BY_YOU = "BucketAlreadyOwnedByYou";

    private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchUpload", "NotFound");
    private static final Set<String> CREDENTIAL_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken",
            "InvalidToken", "TokenRefreshRequired");

    private final String endpoint;
    private final Deadlines deadlines;

    /**
     * @param endpoint  what {@link S3ObjectStore#describe()} says, used in every message
     * @param deadlines the bounds of requests, named when one timed out
     */
    S3Errors(String endpoint, Deadlines deadlines) {
        this.endpoint = endpoint;
        this.deadlines = deadlines;
    }

    /** HTTP status of a service error, or -1 when the request never got an answer. */
    static int status(RuntimeException e) {
        return e instanceof AwsServiceException s ? s.statusCode() : -1;
    }

    /** S3's error code ({@code NoSuchKey}, ...), or null (HEAD answers carry none, nor do network failures). */
    static String code(RuntimeException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            return s.awsErrorDetails().errorCode();
        }
        return null;
    }

    static boolean isNotFound(RuntimeException e) {
        String code = code(e);
        return status(e) == 404 || code != null && NOT_FOUND_CODES.contains(code);
    }

    /** True when the SDK gave up because a call or attempt deadline passed ({@link Deadlines}). */
    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** {@link #map(String, String, String, RuntimeException, Deadlines.Budget)} for a request that moves no data. */
    FsException map(String operation, String bucket, String key, RuntimeException failure) {
        return map(operation, bucket, key, failure, deadlines.metadata());
    }

    /**
     * The errno for a failed request, with its cause attached: SDK failures as above, a passed
     * deadline as EIO naming the bound ({@code budget}), the SDK's own argument checks (a bucket
     * name S3 cannot have) as EINVAL, stream failures as EIO.
     */
    FsException map(String operation, String bucket, String key, RuntimeException failure, Deadlines.Budget budget) {
        if (isTimeout(failure)) {
            return new FsException(Errno.EIO, operation + " " + location(bucket, key) + " at " + endpoint
                    + ": timed out: no answer within " + budget.describe(), failure);
        }
        if (!(failure instanceof SdkException e)) {
            Errno errno = failure instanceof IllegalArgumentException ? Errno.EINVAL : Errno.EIO;
            return new FsException(errno, operation + " " + location(bucket, key) + " at " + endpoint + ": "
                    + rootMessage(failure), failure);
        }
        int status = status(e);
        String code = code(e);
        String where = operation + " " + location(bucket, key) + " at " + endpoint;
        if (status < 0) {
            return new FsException(Errno.EIO, "cannot reach " + endpoint + " for " + operation + " "
                    + location(bucket, key) + ": " + rootMessage(e), e);
        }
        String detail = where + ": HTTP " + status + (code != null ? " " + code : "") + message(e);
        if (isNotFound(e)) {
            return new FsException(Errno.ENOENT, detail, e);
        }
        if (status == 403) {
            String hint = code != null && CREDENTIAL_CODES.contains(code) ? " (check the access key, secret and region)" : "";
            return new FsException(Errno.EACCES, detail + hint, e);
        }
        if (BUCKET_NOT_EMPTY.equals(code)) {
            return new FsException(Errno.ENOTEMPTY, detail, e);
        }
        if (BUCKET_ALREADY_EXISTS.equals(code) || BUCKET_ALREADY_OWNED_BY_YOU.equals(code)) {
            return new FsException(Errno.EEXIST, detail, e);
        }
        if ("EntityTooLarge".equals(code)) {
            return new FsException(Errno.EFBIG, detail, e);
        }
        if ("InvalidBucketName".equals(code) || "KeyTooLongError".equals(code)) {
            return new FsException(code.startsWith("Key") ? Errno.ENAMETOOLONG : Errno.EINVAL, detail, e);
        }
        if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
            return new FsException(Errno.EIO, detail + " (the bucket is probably in another region than the client's)", e);
        }
        return new FsException(Errno.EIO, detail, e);
    }

    /** For failures of local files or streams during a transfer. */
    FsException io(String operation, String bucket, String key, Exception e) {
        return new FsException(Errno.EIO, operation + " " + location(bucket, key) + " at " + endpoint + ": " + rootMessage(e), e);
    }

    static String location(String bucket, String key) {
        if (bucket == null) {
            return "(all buckets)";
        }
        return key == null ? "s3://" + bucket : "s3://" + bucket + "/" + key;
    }

    private static String message(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null) {
            return " " + s.awsErrorDetails().errorMessage();
        }
        return "";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null && !sb.toString().contains(t.getMessage())) {
                sb.append(": ").append(t.getMessage());
            }
        }
        return sb.toString();
    }
}
