package io.localstackmount.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The trust managers of a PEM bundle ({@code AWS_CA_BUNDLE}, a profile's {@code ca_bundle}): the
 * certificates in it, and only those, are trusted for https, as the AWS CLI and the Python SDK do.
 * The Java SDK has no such setting; {@link S3Clients} hands these to the HTTP client.
 */
final class CaBundle {
    private static final Pattern PEM = Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

    private CaBundle() {
    }

    static TrustManager[] trustManagers(Path bundle) {
        try {
            String text = Files.readString(bundle, StandardCharsets.US_ASCII);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            Matcher m = PEM.matcher(text);
            int n = 0;
            while (m.find()) {
                // Block by block: bundles may carry comments between certificates, which the factory rejects.
                byte[] der = Base64.getMimeDecoder().decode(m.group(1));
                Certificate certificate = x509.generateCertificate(new ByteArrayInputStream(der));
                store.setCertificateEntry("ca-" + n++, certificate);
            }
            if (n == 0) {
                throw new IllegalArgumentException("the CA bundle " + bundle + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the CA bundle " + bundle + ": " + e.getMessage(), e);
        }
    }
}
