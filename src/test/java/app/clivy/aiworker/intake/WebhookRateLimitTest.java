package app.clivy.aiworker.intake;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import app.clivy.aiworker.http.HttpRefusal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookRateLimitTest {

    private final AtomicLong clock = new AtomicLong();

    private void advanceSeconds(double seconds) {
        clock.addAndGet((long) (seconds * 1_000_000_000L));
    }

    @Test
    void offByDefaultLetsEverythingThrough() {
        WebhookRateLimit limit = new WebhookRateLimit(0, clock::get);
        for (int i = 0; i < 10_000; i++) {
            limit.check("shop");
        }
    }

    @Test
    void aMinutesWorthPassesThenA429WithTheSecondsUntilTheNextToken() {
        WebhookRateLimit limit = new WebhookRateLimit(6, clock::get); // a token every 10 s
        for (int i = 0; i < 6; i++) {
            limit.check("shop");
        }
        assertThatThrownBy(() -> limit.check("shop"))
                .isInstanceOfSatisfying(HttpRefusal.class, e -> {
                    assertThat(e.getStatus()).isEqualTo(429);
                    assertThat(e.getRetryAfter()).isEqualTo(10);
                    assertThat(e.getJson()).startsWith("{\"error\":\"rate_limited\",");
                });
        advanceSeconds(4);
        assertThatThrownBy(() -> limit.check("shop"))
                .isInstanceOfSatisfying(HttpRefusal.class, e -> assertThat(e.getRetryAfter()).isEqualTo(6));
        advanceSeconds(6);
        assertThatCode(() -> limit.check("shop")).doesNotThrowAnyException();
        assertThatThrownBy(() -> limit.check("shop")).isInstanceOf(HttpRefusal.class);
    }

    @Test
    void eachInstanceHasItsOwnBucket() {
        WebhookRateLimit limit = new WebhookRateLimit(1, clock::get);
        limit.check("shop-a");
        assertThatThrownBy(() -> limit.check("shop-a")).isInstanceOf(HttpRefusal.class);
        assertThatCode(() -> limit.check("shop-b")).doesNotThrowAnyException();
    }

    @Test
    void anIdleMinuteRefillsTheBucketButNoMore() {
        WebhookRateLimit limit = new WebhookRateLimit(2, clock::get);
        limit.check("shop");
        limit.check("shop");
        advanceSeconds(600);
        limit.check("shop");
        limit.check("shop");
        assertThatThrownBy(() -> limit.check("shop")).isInstanceOf(HttpRefusal.class);
    }

    @Test
    void ignoredEventsWithoutAnInstanceAreNotCounted() {
        WebhookRateLimit limit = new WebhookRateLimit(1, clock::get);
        var local = new WebhookAuthenticator.Admission("local:127.0.0.1", null, null);
        limit.check(local, Map.of("ignoredReason", "event Receipt is not a Message"));
        limit.check(local, Map.of("ignoredReason", "event Receipt is not a Message"));
        limit.check(local, Map.of("instance", "shop"));
        // a fresh instanceName from the same client is no fresh bucket
        assertThatThrownBy(() -> limit.check(local, Map.of("instance", "another-shop"))).isInstanceOf(HttpRefusal.class);
    }

    @Test
    void aBurstOfFreshInstancesStaysBoundedAndTheLimitStillHoldsForKnownOnes() {
        WebhookRateLimit limit = new WebhookRateLimit(5, clock::get);
        for (int i = 0; i < 5; i++) {
            limit.check("known-shop");
        }
        // 100,000 fresh names within the minute, while the known instance keeps posting (and is refused)
        int known = 0;
        for (int i = 0; i < 100_000; i++) {
            limit.check("fresh-" + i);
            if (i % 100 == 0) {
                assertThatThrownBy(() -> limit.check("known-shop")).as("after %d fresh names", i)
                        .isInstanceOf(HttpRefusal.class);
                known++;
            }
        }
        assertThat(known).isEqualTo(1000);
        assertThat(limit.buckets()).isLessThanOrEqualTo(WebhookRateLimit.MAX_BUCKETS);
        // an instance that starts after the burst still gets its minute's worth and no more
        for (int i = 0; i < 5; i++) {
            limit.check("new-shop");
        }
        assertThatThrownBy(() -> limit.check("new-shop")).isInstanceOfSatisfying(HttpRefusal.class,
                e -> assertThat(e.getStatus()).isEqualTo(429));
        // a minute later every bucket is full again, so none is kept
        advanceSeconds(61);
        assertThat(limit.buckets()).isZero();
        assertThatCode(() -> limit.check("known-shop")).doesNotThrowAnyException();
    }
}
