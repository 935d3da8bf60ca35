package dev.aman.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Builds Jetty's TLS context from the PEM files of {@code http.tls.cert_file} (certificate chain) and
 * {@code http.tls.key_file} (PKCS#8 private key), FORMATS §2.7.1. The key store lives only in memory.
 */
final class TlsContext {
    private static final Pattern KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private TlsContext() {
    }

    /** The PEM files cannot be used; the message names the file, never key material. */
    static final class TlsSetupFailed extends dev.aman.AmanException {
        TlsSetupFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static SslContextFactory.Server load(Path certFile, Path keyFile) {
        try {
            Collection<? extends Certificate> chain;
            try (var in = Files.newInputStream(certFile)) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (chain.isEmpty()) {
                throw new TlsSetupFailed("no certificate in " + certFile, null);
            }
            PrivateKey key = privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile);
            char[] password = java.util.UUID.randomUUID().toString().toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("aman", key, password, chain.toArray(Certificate[]::new));
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(ks);
            ssl.setKeyStorePassword(new String(password));
            return ssl;
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsSetupFailed("cannot load TLS certificate/key (" + certFile + ", " + keyFile + "): "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private static PrivateKey privateKey(String pem, Path file) throws GeneralSecurityException {
        Matcher m = KEY.matcher(pem);
        if (!m.find()) {
            throw new TlsSetupFailed(file + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)", null);
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
