package app.clivy.aiworker.security;

import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Only Meta's app secret configured (Meta cannot send a shared token): its signature admits Cloud
 * API posts only; a post in any other gateway's shape is refused, signed with the app secret or not,
 * from this very host too.
 */
@DirtiesContext
@TestPropertySource(properties = {"ai-worker.worker.enabled=false",
        "ai-worker.gateway.cloud-api.app-secret=" + MetaOnlyCredentialTest.APP_SECRET})
class MetaOnlyCredentialTest extends DialectCredentials {

    static final String APP_SECRET = "meta-only-app-secret-Test-31";

    @Test
    void aMetaSignedCloudApiPostIsQueuedAndEveryOtherShapeIsRefused() {
        ownShapeSignedIsQueued("cloud-api", APP_SECRET, "X-Hub-Signature-256", "sha256=");
        everyOtherShapeIsRefused("cloud-api", APP_SECRET, "X-Hub-Signature-256", "sha256=");
    }
}
