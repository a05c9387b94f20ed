package app.clivy.aiworker.security;

import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Only wuzapi's HMAC key configured: its {@code x-hmac-signature} admits wuzapi posts only; a post
 * in any other gateway's shape is refused, signed with that key or not, from this very host too.
 */
@DirtiesContext
@TestPropertySource(properties = {"ai-worker.worker.enabled=false",
        "ai-worker.gateway.wuzapi.hmac-key=" + WuzapiOnlyCredentialTest.KEY})
class WuzapiOnlyCredentialTest extends DialectCredentials {

    static final String KEY = "wuzapi-only-hmac-key-Test-32";

    @Test
    void aWuzapiSignedPostIsQueuedAndEveryOtherShapeIsRefused() {
        ownShapeSignedIsQueued("wuzapi", KEY, "x-hmac-signature", "");
        everyOtherShapeIsRefused("wuzapi", KEY, "x-hmac-signature", "");
    }
}
