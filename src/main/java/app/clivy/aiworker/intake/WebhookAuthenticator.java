package app.clivy.aiworker.intake;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import app.clivy.aiworker.delivery.GatewaySettings;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Who may post to the webhook: a gateway that sends the shared token ({@code X-Webhook-Token})
 * and/or signs the raw body with HMAC-SHA256 ({@code X-Hub-Signature-256: sha256=<hex>}), as
 * configured. Both are compared in constant time. With neither configured every request passes
 * and start-up says so once.
 *
 * <p>Gateways that sign their posts with their own secret are authenticated by that signature
 * instead (they cannot send our token): wuzapi's {@code x-hmac-signature} (hex HMAC-SHA256 of the
 * raw body, form or JSON) with {@code ai-worker.gateway.wuzapi.hmac-key}, and Meta's
 * {@code X-Hub-Signature-256} with the app secret {@code ai-worker.gateway.cloud-api.app-secret}.
 * Once such a secret is configured, a post of that gateway without its signature is refused
 * ({@link #requireGatewaySignature}, after the shape is known).
 */
@Component("webhookAuthenticator")
public class WebhookAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookAuthenticator.class);
    private static final String SIGNATURE_PREFIX = "sha256=";

    private static final String WUZAPI = "wuzapi";
    private static final String CLOUD_API = "cloud-api";

    private final byte[] token;
    private final byte[] hmacSecret;
    private final byte[] wuzapiKey;
    private final byte[] cloudAppSecret;

    public WebhookAuthenticator(String token, String hmacSecret) {
        this(token, hmacSecret, "", "");
    }

    @Autowired
    public WebhookAuthenticator(IntakeSettings intake, GatewaySettings gateway) {
        this(intake.token(), intake.hmacSecret(), gateway.wuzapi().hmacKey(), gateway.cloudApi().appSecret());
    }

    WebhookAuthenticator(String token, String hmacSecret, String wuzapiKey, String cloudAppSecret) {
        this.token = bytes(token);
        this.hmacSecret = bytes(hmacSecret);
        this.wuzapiKey = bytes(wuzapiKey);
        this.cloudAppSecret = bytes(cloudAppSecret);
        if (this.token == null && this.hmacSecret == null) {
            LOG.warn("⚠  POST /webhook/ai accepts requests without authentication: set WEBHOOK_TOKEN and/or WEBHOOK_HMAC_SECRET");
        }
    }

    /**
     * The intake route's step, before parsing: a valid gateway signature (variable {@code signedBy}
     * = that gateway), else the shared token / HMAC of {@link #authenticate(String, String, byte[])}.
     */
    public void authenticateRequest(Exchange exchange) {
        var message = exchange.getMessage();
        byte[] body = message.getBody(byte[].class);
        String wuzapiSignature = message.getHeader("x-hmac-signature", String.class);
        String hubSignature = message.getHeader("X-Hub-Signature-256", String.class);
        if (wuzapiKey != null && wuzapiSignature != null && !wuzapiSignature.isEmpty()) {
            String presented = wuzapiSignature.trim().toLowerCase(Locale.ROOT);
            if (!matches(wuzapiKey, body, presented.startsWith(SIGNATURE_PREFIX) ? presented.substring(SIGNATURE_PREFIX.length()) : presented, "")) {
                throw unauthorized("x-hmac-signature does not match the body");
            }
            exchange.setVariable("signedBy", WUZAPI);
            return;
        }
        if (cloudAppSecret != null && hubSignature != null && !hubSignature.isEmpty()) {
            if (matches(cloudAppSecret, body, hubSignature.trim().toLowerCase(Locale.ROOT), SIGNATURE_PREFIX)) {
                exchange.setVariable("signedBy", CLOUD_API);
                return;
            }
            if (hmacSecret == null) {
                throw unauthorized("X-Hub-Signature-256 does not match the body");
            }
        }
        authenticate(message.getHeader("X-Webhook-Token", String.class), hubSignature, body);
    }

    /** The intake route's step, once the gateway is known: a gateway with a configured secret must have signed. */
    public void requireGatewaySignature(@Variable("gateway") String gateway, @Variable("signedBy") String signedBy) {
        if (WUZAPI.equals(gateway) && wuzapiKey != null && !WUZAPI.equals(signedBy)) {
            throw unauthorized("x-hmac-signature header is missing");
        }
        if (CLOUD_API.equals(gateway) && cloudAppSecret != null && !CLOUD_API.equals(signedBy)) {
            throw unauthorized("X-Hub-Signature-256 header is missing or not signed with the app secret");
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
            if (!matches(hmacSecret, body, signature.trim().toLowerCase(Locale.ROOT), SIGNATURE_PREFIX)) {
                throw unauthorized("X-Hub-Signature-256 does not match the body");
            }
        }
    }

    private static boolean matches(byte[] secret, byte[] body, String presented, String prefix) {
        byte[] expected = (prefix + HexFormat.of().formatHex(hmac(secret, body == null ? new byte[0] : body)))
                .getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] bytes(String secret) {
        return secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static WebhookRejectedException unauthorized(String message) {
        return new WebhookRejectedException(401, "unauthorized", message);
    }
}
