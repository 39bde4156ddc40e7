package io.localstackmount.app.embedded;

import static io.localstackmount.app.embedded.S3ProxyLoader.invoke;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Fills a new, empty data directory with bucket {@value #NAME} and two small files, so that a first
 * mount of the embedded server shows something. Writes go through S3Proxy's blob store API (not
 * straight to disk) so the objects get the metadata S3Proxy keeps in xattrs (ETag, content type).
 *
 * <pre>
 * sample/
 * ├── README.txt        what this bucket is and where its files live
 * └── hello/world.txt
 * </pre>
 */
final class SampleBucket {
    static final String NAME = "sample";

    private final S3ProxyLoader.Loaded loaded;
    private final Object blobStore;

    SampleBucket(S3ProxyLoader.Loaded loaded, Object blobStore) {
        this.loaded = loaded;
        this.blobStore = blobStore;
    }

    void create(Path dataDir) throws ReflectiveOperationException {
        invoke(blobStore, loaded.blobStoreType().getMethod("createContainer", String.class), NAME);
        put("README.txt", readme(dataDir));
        put("hello/world.txt", "Hello, world!\n");
    }

    private void put(String key, String text) throws ReflectiveOperationException {
        // The blob store takes AWS SDK v2 model types: S3Proxy's own copy, from S3Proxy's loader.
        ClassLoader cl = loaded.classLoader();
        Class<?> request = Class.forName("software.amazon.awssdk.services.s3.model.PutObjectRequest", true, cl);
        Class<?> builderType = Class.forName("software.amazon.awssdk.services.s3.model.PutObjectRequest$Builder",
                true, cl);
        Class<?> sdkBuilder = Class.forName("software.amazon.awssdk.utils.builder.SdkBuilder", true, cl);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Object builder = invoke(null, request.getMethod("builder"));
        invoke(builder, builderType.getMethod("bucket", String.class), NAME);
        invoke(builder, builderType.getMethod("key", String.class), key);
        invoke(builder, builderType.getMethod("contentLength", Long.class), (long) bytes.length);
        invoke(builder, builderType.getMethod("contentType", String.class), "text/plain; charset=utf-8");
        Object put = invoke(builder, sdkBuilder.getMethod("build"));
        invoke(blobStore, loaded.blobStoreType().getMethod("putBlob", request, InputStream.class), put,
                new ByteArrayInputStream(bytes));
    }

    static String readme(Path dataDir) {
        return String.join("\n",
                "This is the sample bucket of localstackmount's embedded S3 server.",
                "",
                "The embedded server is S3Proxy, running inside localstackmount on 127.0.0.1 for when no",
                "LocalStack is at hand. Each bucket is a folder and each file you write here an ordinary",
                "file under",
                "",
                "    " + dataDir,
                "",
                "where it stays: the next start of the embedded server on that directory finds it again.",
                "This bucket was created because the directory was empty; delete it whenever you like.",
                "");
    }
}
