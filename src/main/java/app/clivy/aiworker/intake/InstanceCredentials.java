package app.clivy.aiworker.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import app.clivy.aiworker.instances.InstanceDefaults;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The webhook credentials of single instances (table {@code instance_settings}, V11): a token (kept
 * as its SHA-256) and/or an HMAC key, each set through the admin API and never answered or logged.
 * Read through a short cache ({@code ai-worker.instances.cache-ms}); a change through this node's
 * admin API is used at once ({@link #forget}).
 */
@Component("instanceCredentials")
public class InstanceCredentials {

    /** One instance's credential: either part may be null (not set). */
    public record Credential(String instance, byte[] tokenSha256, byte[] hmacSecret) {

        @Override
        public String toString() {
            return "Credential[instance=" + instance + "]";
        }
    }

    private final JdbcTemplate db;
    private final String sql;
    private final long cacheNanos;
    private volatile List<Credential> credentials;
    private volatile long readAt;

    public InstanceCredentials(JdbcTemplate db, InstanceDefaults defaults) {
        this.db = db;
        this.cacheNanos = defaults.cacheMs() * 1_000_000;
        try {
            this.sql = new ClassPathResource("sql/instance-webhook-credentials.sql").getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every instance credential now (a database error is thrown: the intake answers 503). */
    public List<Credential> all() {
        List<Credential> current = credentials;
        if (current != null && readAt != 0 && System.nanoTime() - readAt < cacheNanos) {
            return current;
        }
        synchronized (this) {
            if (credentials != null && readAt != 0 && System.nanoTime() - readAt < cacheNanos) {
                return credentials;
            }
            List<Credential> read = db.query(sql, (rs, i) -> new Credential(rs.getString("instance"),
                    hex(rs.getString("webhook_token_sha256")), bytes(rs.getString("webhook_hmac_secret"))));
            credentials = List.copyOf(read);
            readAt = System.nanoTime();
            return credentials;
        }
    }

    /** The last list read, without going to the database (empty before the first read). */
    List<Credential> lastKnown() {
        List<Credential> current = credentials;
        return current == null ? List.of() : current;
    }

    /** Drops the cache: the next post reads the table again (after a change through the admin API). */
    public void forget() {
        readAt = 0;
    }

    private static byte[] hex(String hex) {
        return hex == null ? null : java.util.HexFormat.of().parseHex(hex);
    }

    private static byte[] bytes(String secret) {
        return secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
    }
}
