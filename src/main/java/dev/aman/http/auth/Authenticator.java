package dev.aman.http.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * Token authentication of API.md §1.2. Credentials: {@code Authorization: Bearer <token>} (scheme
 * case-insensitive, exactly one space) and {@code x-aman-token}; when both are present both must be
 * valid; other schemes are ignored. Comparison is constant-time over the UTF-8 bytes.
 *
 * <p>Stateless apart from the token; thread-safe.
 */
public final class Authenticator {
    /** The verdict on one request's credentials. */
    public enum Verdict {
        /** valid credentials, or development mode */
        AUTHENTICATED,
        /** no credentials at all (public endpoints treat this as anonymous) */
        ANONYMOUS,
        /** credentials present but wrong */
        INVALID
    }

    private final byte[] token;

    /** @param token the configured token; empty = development mode */
    public Authenticator(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    public boolean devMode() {
        return token.length == 0;
    }

    public Verdict check(String authorization, String amanToken) {
        if (devMode()) {
            return Verdict.AUTHENTICATED;
        }
        String bearer = bearerCredential(authorization);
        if (bearer == null && amanToken == null) {
            return Verdict.ANONYMOUS;
        }
        boolean ok = true;
        if (bearer != null) {
            ok = matches(bearer);
        }
        if (amanToken != null) {
            ok &= matches(amanToken);
        }
        return ok ? Verdict.AUTHENTICATED : Verdict.INVALID;
    }

    /**
     * The credential of a Bearer header, "" for a malformed Bearer header (which then fails), or null when
     * the header is absent or uses another scheme (ignored).
     */
    private static String bearerCredential(String header) {
        if (header == null || header.length() < 6) {
            return header != null && header.toLowerCase(Locale.ROOT).startsWith("bearer") ? "" : null;
        }
        if (!header.substring(0, 6).equalsIgnoreCase("bearer")) {
            return null;
        }
        if (header.length() == 6 || header.charAt(6) != ' ') {
            return header.length() == 6 || Character.isWhitespace(header.charAt(6)) ? "" : null;
        }
        return header.substring(7);
    }

    private boolean matches(String candidate) {
        byte[] given = candidate.getBytes(StandardCharsets.UTF_8);
        return given.length > 0 && MessageDigest.isEqual(given, token);
    }
}
