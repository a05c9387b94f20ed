package app.clivy.aiworker.intake;

import org.springframework.beans.factory.annotation.Autowired;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Who may post to the webhook: a gateway that sends the shared token ({@code X-Webhook-Token})
 * and/or signs the raw body with HMAC-SHA256 ({@code X-Hub-Signature-256: sha256=<hex>}), as
 * configured. Both are compared in constant time. With neither configured every request passes
 * and start-up says so once.
 */
@Component("webhookAuthenticator")
public class WebhookAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookAuthenticator.class);
    private static final String SIGNATURE_PREFIX = "sha256=";

    private final byte[] token;
    private final byte[] hmacSecret;

    @Autowired
    public WebhookAuthenticator(IntakeSettings settings) {
        this(settings.token(), settings.hmacSecret());
    }

    WebhookAuthenticator(String token, String hmacSecret) {
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.hmacSecret = hmacSecret == null || hmacSecret.isEmpty() ? null : hmacSecret.getBytes(StandardCharsets.UTF_8);
        if (this.token == null && this.hmacSecret == null) {
            LOG.warn("⚠  POST /webhook/ai accepts requests without authentication: set WEBHOOK_TOKEN and/or WEBHOOK_HMAC_SECRET");
        }
    }

    /** Passes an authentic request; otherwise throws a 401 {@link WebhookRejectedException}. */
    public void authenticate(@Header("X-Webhook-Token") String presentedToken,
                             @Header("X-Hub-Signature-256") String signature,
                             @Body byte[] body) {
        if (token != null) {
            if (presentedToken == null || presentedToken.isEmpty()) {
                throw unauthorized("X-Webhook-Token header is missing");
            }
            if (!MessageDigest.isEqual(token, presentedToken.getBytes(StandardCharsets.UTF_8))) {
                throw unauthorized("X-Webhook-Token is not valid");
            }
        }
        if (hmacSecret != null) {
            if (signature == null || signature.isEmpty()) {
                throw unauthorized("X-Hub-Signature-256 header is missing");
            }
            byte[] presented = signature.trim().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
            byte[] expected = (SIGNATURE_PREFIX + HexFormat.of().formatHex(hmac(body == null ? new byte[0] : body)))
                    .getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(expected, presented)) {
                throw unauthorized("X-Hub-Signature-256 does not match the body");
            }
        }
    }

    private byte[] hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hmacSecret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static WebhookRejectedException unauthorized(String message) {
        return new WebhookRejectedException(401, "unauthorized", message);
    }
}
