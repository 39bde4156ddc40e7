/**
 * The object store over the AWS SDK for Java v2 (sync client, Apache HTTP client), its config
 * resolution (flags, environment, LocalStack defaults) and the pre-mount endpoint check.
 */
module io.localstackmount.s3 {
    requires transitive io.localstackmount.api;
    requires org.slf4j;
    requires software.amazon.awssdk.services.s3;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.profiles;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.apache;
    requires software.amazon.awssdk.retries;
    requires org.apache.httpcomponents.httpclient;
    requires org.apache.httpcomponents.httpcore;

    exports io.localstackmount.s3;
}
