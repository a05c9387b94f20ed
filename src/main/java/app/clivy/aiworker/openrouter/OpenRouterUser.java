package app.clivy.aiworker.openrouter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The chat request's {@code user} field: a stable id per customer that is not the phone number,
 * HMAC-SHA256 of {@code instance + ":" + chat} with a salt, cut to 32 hex characters. The salt is
 * {@code ai-worker.openrouter.user-salt} ({@code OPENROUTER_USER_SALT}); unset, the random one made
 * once per installation in the database (table {@code installation}, Flyway V5), the same on every
 * node and after restarts. OpenRouter never sees the salt, so it cannot test phone numbers against
 * the ids.
 */
@Component("openRouterUser")
public class OpenRouterUser {

    private final JdbcTemplate db;
    private final String configuredSalt;
    private volatile SecretKeySpec key;

    public OpenRouterUser(JdbcTemplate db, OpenRouterSettings settings) {
        this.db = db;
        this.configuredSalt = settings.userSalt();
    }

    /** The id OpenRouter gets for the customer of {@code chat} on {@code instance}. */
    public String idOf(Object instance, Object chat) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            byte[] hash = mac.doFinal((instance + ":" + chat).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * The customer of a reply row ({@code instance}, {@code chat}) as log lines name it: the same
     * salted id OpenRouter gets, never the phone number (docs/security.md).
     */
    public String customerOf(@org.apache.camel.Variable("reply") java.util.Map<String, Object> reply) {
        return idOf(reply.get("instance"), reply.get("chat"));
    }

    private SecretKeySpec key() {
        SecretKeySpec k = key;
        if (k == null) {
            String salt = configuredSalt.isBlank() ? db.queryForObject(sql(), String.class) : configuredSalt;
            k = new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
            key = k;
        }
        return k;
    }

    private static String sql() {
        try {
            return new ClassPathResource("sql/installation-salt.sql").getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
