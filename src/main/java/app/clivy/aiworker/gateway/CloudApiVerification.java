package app.clivy.aiworker.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import app.clivy.aiworker.http.HttpRefusal;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * Meta's webhook verification: {@code GET /webhook/ai?hub.mode=subscribe&hub.verify_token=..&hub.challenge=..}
 * is answered 200 with the challenge when the token is {@code WHATSAPP_CLOUD_VERIFY_TOKEN}, else 403
 * (also while no verify token is configured).
 */
@Component("cloudApiVerification")
public class CloudApiVerification {

    private final byte[] verifyToken;

    public CloudApiVerification(GatewaySettings settings) {
        String verifyToken = settings.cloudApi().verifyToken();
        this.verifyToken = verifyToken.isEmpty() ? null : verifyToken.getBytes(StandardCharsets.UTF_8);
    }

    /** @return the challenge to echo */
    public String verify(@Header("hub.mode") String mode, @Header("hub.verify_token") String token,
                         @Header("hub.challenge") String challenge) {
        if (!"subscribe".equals(mode)) {
            throw new HttpRefusal(403, "forbidden", "hub.mode must be subscribe");
        }
        if (verifyToken == null) {
            throw new HttpRefusal(403, "forbidden", "no verify token is configured (WHATSAPP_CLOUD_VERIFY_TOKEN)");
        }
        if (token == null || !MessageDigest.isEqual(verifyToken, token.getBytes(StandardCharsets.UTF_8))) {
            throw new HttpRefusal(403, "forbidden", "hub.verify_token does not match");
        }
        // Meta sends a number; anything else is not echoed into our answer
        if (challenge == null || !challenge.matches("[A-Za-z0-9_.-]{1,256}")) {
            throw HttpRefusal.badRequest("hub.challenge is missing or not a plain token");
        }
        return challenge;
    }
}
