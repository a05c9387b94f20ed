package app.clivy.aiworker.intake;

import java.nio.charset.StandardCharsets;

import app.clivy.aiworker.support.LogCapture;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each credential case of {@link WebhookAuthenticator}, for each configuration. */
class WebhookAuthenticatorTest {

    static final byte[] BODY = "{\"event\":\"Message\"}".getBytes(StandardCharsets.UTF_8);
    // HMAC-SHA256 of BODY with the key "s3cret" (as `openssl dgst -sha256 -hmac s3cret` prints it)
    static final String SIGNATURE = "sha256=" + WebhookSignatures.hex("s3cret", BODY);

    @Test
    void tokenOnly() {
        WebhookAuthenticator auth = new WebhookAuthenticator("tok-123", "");
        assertThatCode(() -> auth.authenticate("tok-123", null, BODY)).doesNotThrowAnyException();
        assertUnauthorized(() -> auth.authenticate(null, SIGNATURE, BODY), "X-Webhook-Token header is missing");
        assertUnauthorized(() -> auth.authenticate("", null, BODY), "X-Webhook-Token header is missing");
        assertUnauthorized(() -> auth.authenticate("tok-12", null, BODY), "X-Webhook-Token is not valid");
        assertUnauthorized(() -> auth.authenticate("tok-1234", null, BODY), "X-Webhook-Token is not valid");
        assertUnauthorized(() -> auth.authenticate("TOK-123", null, BODY), "X-Webhook-Token is not valid");
    }

    @Test
    void hmacOnly() {
        WebhookAuthenticator auth = new WebhookAuthenticator("", "s3cret");
        assertThatCode(() -> auth.authenticate(null, SIGNATURE, BODY)).doesNotThrowAnyException();
        assertThatCode(() -> auth.authenticate(null, SIGNATURE.toUpperCase().replace("SHA256=", "sha256="), BODY))
                .as("hex case does not matter").doesNotThrowAnyException();
        assertUnauthorized(() -> auth.authenticate("s3cret", null, BODY), "X-Hub-Signature-256 header is missing");
        assertUnauthorized(() -> auth.authenticate(null, SIGNATURE.substring(7), BODY), "does not match");
        assertUnauthorized(() -> auth.authenticate(null, "sha256=" + WebhookSignatures.hex("other", BODY), BODY), "does not match");
        byte[] tampered = "{\"event\":\"Message \"}".getBytes(StandardCharsets.UTF_8);
        assertUnauthorized(() -> auth.authenticate(null, SIGNATURE, tampered), "does not match");
        assertUnauthorized(() -> auth.authenticate(null, "sha256=zz", BODY), "does not match");
    }

    @Test
    void bothConfiguredNeedsBoth() {
        WebhookAuthenticator auth = new WebhookAuthenticator("tok-123", "s3cret");
        assertThatCode(() -> auth.authenticate("tok-123", SIGNATURE, BODY)).doesNotThrowAnyException();
        assertUnauthorized(() -> auth.authenticate("tok-123", null, BODY), "X-Hub-Signature-256 header is missing");
        assertUnauthorized(() -> auth.authenticate(null, SIGNATURE, BODY), "X-Webhook-Token header is missing");
        assertUnauthorized(() -> auth.authenticate("wrong", SIGNATURE, BODY), "X-Webhook-Token is not valid");
    }

    @Test
    void noneConfiguredLetsEverythingInAndWarnsOnce() {
        try (LogCapture logs = new LogCapture()) {
            WebhookAuthenticator auth = new WebhookAuthenticator("", "");
            assertThatCode(() -> auth.authenticate(null, null, BODY)).doesNotThrowAnyException();
            assertThatCode(() -> auth.authenticate("anything", "sha256=00", BODY)).doesNotThrowAnyException();
            assertThat(logs.lines(WebhookAuthenticator.class.getName(), Level.WARN)).singleElement()
                    .asString().contains("without authentication").contains("WEBHOOK_TOKEN");
        }
        try (LogCapture logs = new LogCapture()) {
            new WebhookAuthenticator("tok", "");
            assertThat(logs.lines(WebhookAuthenticator.class.getName(), Level.WARN)).isEmpty();
        }
    }

    private static void assertUnauthorized(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(WebhookRejectedException.class, e -> {
            assertThat(e.getStatus()).isEqualTo(401);
            assertThat(e.getJson()).startsWith("{\"error\":\"unauthorized\",\"message\":").contains(message);
        });
    }
}
