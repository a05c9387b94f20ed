package app.clivy.aiworker.intake;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

import app.clivy.aiworker.http.HttpRefusal;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * At most {@code ai-worker.intake.rate-limit-per-minute} messages a minute per credential on this
 * node (0 = no limit; on by default): a token bucket per credential that holds a minute's
 * worth and refills evenly. A message over the limit gets {@code 429 {"error":"rate_limited"}} with
 * {@code Retry-After} (seconds until the next token) and is not stored.
 * <p>
 * The buckets are held in a bounded cache: a bucket unused for a minute is full again, so it is
 * dropped (the same as keeping it); beyond {@value #MAX_BUCKETS} instances the least useful bucket
 * goes (Caffeine keeps the often-used ones), so a burst of fresh {@code instanceName}s neither grows
 * memory nor costs any request more than a cache lookup.
 */
@Component("webhookRateLimit")
public class WebhookRateLimit {

    /** Most instances with a bucket at once. */
    static final int MAX_BUCKETS = 10_000;

    private final int perMinute;
    private final LongSupplier nanoClock;
    private final Cache<String, Bucket> buckets;

    @Autowired
    public WebhookRateLimit(IntakeSettings settings) {
        this(settings.rateLimitPerMinute(), System::nanoTime);
    }

    WebhookRateLimit(int perMinute, LongSupplier nanoClock) {
        if (perMinute < 0) {
            throw new IllegalArgumentException("ai-worker.intake.rate-limit-per-minute must be 0 (off) or more");
        }
        this.perMinute = perMinute;
        this.nanoClock = nanoClock;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(MAX_BUCKETS)
                .expireAfterAccess(Duration.ofMinutes(1))
                .ticker(nanoClock::getAsLong)
                .executor(Runnable::run) // upkeep on the caller's thread, a little per request: no pool
                .build();
    }

    /**
     * The intake route's step, per message: passes, or throws a 429 for the post's credential (the
     * shared token, a gateway's signature, an instance's own credential; the client address when
     * no credential is configured), never for the {@code instanceName} a client writes: fresh names
     * do not make fresh buckets. Ignored messages (no instance) are not counted.
     */
    public void check(@Variable("admission") WebhookAuthenticator.Admission admission, @Body Map<String, Object> parsed) {
        if (parsed == null || parsed.get("instance") == null) {
            return;
        }
        check(admission == null ? "unknown" : admission.credential());
    }

    public void check(String key) {
        if (perMinute == 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        long waitNanos = buckets.get(key, i -> new Bucket(now)).take(now);
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            throw new HttpRefusal(429, "rate_limited",
                    "more than " + perMinute + " messages a minute with this credential; send it again later", seconds);
        }
    }

    /** Instances that have a bucket now (after the cache's pending upkeep). */
    long buckets() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private final class Bucket {

        private final double nanosPerToken = 60_000_000_000d / perMinute;
        private double tokens = perMinute;
        private long refilledAt;

        Bucket(long now) {
            this.refilledAt = now;
        }

        /** Takes a token: 0 when there was one, else the nanoseconds until there is. */
        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * nanosPerToken);
        }

        private void refill(long now) {
            tokens = Math.min(perMinute, tokens + (now - refilledAt) / nanosPerToken);
            refilledAt = now;
        }
    }
}
