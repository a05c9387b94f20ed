package app.clivy.aiworker.intake;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.apache.camel.Body;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * At most {@code ai-worker.intake.rate-limit-per-minute} messages a minute per {@code instanceName}
 * on this node (0 = no limit, the default): a token bucket per instance that holds a minute's
 * worth and refills evenly. A message over the limit gets {@code 429 {"error":"rate_limited"}} with
 * {@code Retry-After} (seconds until the next token) and is not stored.
 */
@Component("webhookRateLimit")
public class WebhookRateLimit {

    /** Beyond this many instances, buckets that are full again (idle instances) are dropped. */
    private static final int MAX_BUCKETS = 10_000;

    private final int perMinute;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    @Autowired
    public WebhookRateLimit(@Value("${ai-worker.intake.rate-limit-per-minute:0}") int perMinute) {
        this(perMinute, System::nanoTime);
    }

    WebhookRateLimit(int perMinute, LongSupplier nanoClock) {
        if (perMinute < 0) {
            throw new IllegalArgumentException("ai-worker.intake.rate-limit-per-minute must be 0 (off) or more");
        }
        this.perMinute = perMinute;
        this.nanoClock = nanoClock;
    }

    /** The intake route's step, after parsing: passes, or throws a 429 for the message's instance. */
    public void check(@Body Map<String, Object> parsed) {
        Object instance = parsed == null ? null : parsed.get("instance");
        if (instance != null) {
            check(instance.toString());
        }
    }

    public void check(String instance) {
        if (perMinute == 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (buckets.size() > MAX_BUCKETS) {
            buckets.values().removeIf(b -> b.isFull(now));
        }
        long waitNanos = buckets.computeIfAbsent(instance, i -> new Bucket(now)).take(now);
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            throw new WebhookRejectedException(429, "rate_limited",
                    "more than " + perMinute + " messages a minute for instance " + instance + "; send it again later", seconds);
        }
    }

    public int perMinute() {
        return perMinute;
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

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= perMinute;
        }

        private void refill(long now) {
            tokens = Math.min(perMinute, tokens + (now - refilledAt) / nanosPerToken);
            refilledAt = now;
        }
    }
}
