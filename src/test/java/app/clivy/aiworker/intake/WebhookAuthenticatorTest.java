package app.clivy.aiworker.intake;

import java.nio.charset.StandardCharsets;

import app.clivy.aiworker.http.HttpRefusal;
import app.clivy.aiworker.support.LogCapture;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

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
    void noneConfiguredTakesOnlyLocalPostsThatCameThroughNoProxyAndWarnsOnce() {
        try (LogCapture logs = new LogCapture()) {
            WebhookAuthenticator auth = new WebhookAuthenticator("", "");
            assertThat(auth.admission(request("127.0.0.1"), BODY).credential()).isEqualTo("local:127.0.0.1");
            assertThat(auth.admission(request("::1"), BODY).credential()).startsWith("local:");
            assertUnauthorized(() -> auth.admission(request("203.0.113.9"), BODY), "only posts from this host");
            for (String header : new String[] {"X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Host", "CF-Connecting-IP", "Via"}) {
                MockHttpServletRequest proxied = request("127.0.0.1");
                proxied.addHeader(header, "203.0.113.9");
                assertUnauthorized(() -> auth.admission(proxied, BODY), "only posts from this host");
                assertThat(auth.beforeBody(proxied)).as(header).isNotNull();
            }
            assertThat(logs.lines(WebhookAuthenticator.class.getName(), Level.WARN)).singleElement()
                    .asString().contains("only from this host").contains("WEBHOOK_TOKEN");
        }
        try (LogCapture logs = new LogCapture()) {
            new WebhookAuthenticator("tok", "");
            assertThat(logs.lines(WebhookAuthenticator.class.getName(), Level.WARN)).isEmpty();
        }
    }

    @Test
    void theInsecureOptOutTakesEveryPostAndSaysSoAtStart() {
        try (LogCapture logs = new LogCapture()) {
            WebhookAuthenticator auth = new WebhookAuthenticator("", "", "", "", true, null);
            MockHttpServletRequest proxied = request("203.0.113.9");
            proxied.addHeader("X-Forwarded-For", "198.51.100.7");
            assertThat(auth.admission(proxied, BODY).credential()).startsWith("open:");
            assertThat(logs.lines(WebhookAuthenticator.class.getName(), Level.WARN)).singleElement()
                    .asString().contains("INSECURE").contains("insecure-open-webhook");
        }
    }

    @Test
    void aTokenOnlyInTheUrlQueryIsNoCredential() {
        WebhookAuthenticator auth = new WebhookAuthenticator("tok-123", "");
        MockHttpServletRequest request = request("127.0.0.1");
        request.setQueryString("X-Webhook-Token=tok-123");
        request.addParameter("X-Webhook-Token", "tok-123");
        assertThat(auth.beforeBody(request)).isNotNull();
        assertUnauthorized(() -> auth.admission(request, BODY), "X-Webhook-Token header is missing");
    }

    @Test
    void aTokenAloneIsCheckedBeforeTheBodyIsRead() {
        WebhookAuthenticator auth = new WebhookAuthenticator("tok-123", "");
        MockHttpServletRequest wrong = request("203.0.113.9");
        wrong.addHeader("X-Webhook-Token", "tok-12");
        assertThat(auth.beforeBody(wrong)).isNotNull().satisfies(e -> assertThat(e.getStatus()).isEqualTo(401));
        MockHttpServletRequest right = request("203.0.113.9");
        right.addHeader("X-Webhook-Token", "tok-123");
        assertThat(auth.beforeBody(right)).isNull();
    }

    private static MockHttpServletRequest request(String remoteAddress) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhook/ai");
        request.setRemoteAddr(remoteAddress);
        return request;
    }

    private static void assertUnauthorized(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(HttpRefusal.class, e -> {
            assertThat(e.getStatus()).isEqualTo(401);
            assertThat(e.getJson()).startsWith("{\"error\":\"unauthorized\",\"message\":").contains(message);
        });
    }
}
