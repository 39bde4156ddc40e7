package io.localstackmount.app;

import io.localstackmount.s3.S3StoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** What {@code --version} prints: this program's version, and the Java and AWS SDK it runs on. */
final class Version {
    private Version() {
    }

    /** {@code 0.1.0-SNAPSHOT}, from the build; {@code unknown} when the resource is missing (an IDE run). */
    static String number() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String[] lines() {
        return new String[] {
            "localstackmount " + number(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + "), AWS SDK for Java "
                    + S3StoreConfig.sdkVersion() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
        };
    }
}
