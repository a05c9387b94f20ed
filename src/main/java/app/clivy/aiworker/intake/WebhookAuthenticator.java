package app.clivy.aiworker.intake;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import app.clivy.aiworker.gateway.GatewaySettings;
import app.clivy.aiworker.http.HttpRefusal;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Who may post to the webhook, and what each credential admits (docs/security.md). Closed by
 * default:
 * <ul>
 * <li>with no credential configured at all, a post is taken only from a client on this host
 * (a loopback address) that came through no proxy or tunnel (no {@code Forwarded},
 * {@code X-Forwarded-*}, {@code X-Real-IP} ... header): the README's first trial with curl works, a
 * post from the internet gets 401. {@code ai-worker.intake.insecure-open-webhook=true} opens it to
 * anyone, with a WARN at every start;</li>
 * <li>once any credential is configured, every post needs one that matches, loopback included:
 * <ul>
 * <li>the shared {@code WEBHOOK_TOKEN} ({@code X-Webhook-Token}) and/or {@code WEBHOOK_HMAC_SECRET}
 * ({@code X-Hub-Signature-256: sha256=<hex>} of the raw body; both needed when both are set):
 * every instance, every gateway whose own signature is not configured;</li>
 * <li>wuzapi's {@code x-hmac-signature} with {@code WUZAPI_HMAC_KEY}: wuzapi posts only;</li>
 * <li>Meta's {@code X-Hub-Signature-256} with {@code WHATSAPP_CLOUD_APP_SECRET}: Cloud API posts only;</li>
 * <li>an instance's own token and/or HMAC key ({@link InstanceCredentials}): that instance only.</li>
 * </ul></li>
 * </ul>
 * Every comparison is in constant time. The credential headers are read from the HTTP request
 * itself, never from the URL's query (platform-http would turn {@code ?X-Webhook-Token=} into a
 * header; a token in a URL lands in proxy logs). {@link #beforeBody} refuses a post without any
 * credential header before its body is read.
 */
@Component("webhookAuthenticator")
public class WebhookAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookAuthenticator.class);
    private static final String SIGNATURE_PREFIX = "sha256=";

    static final String TOKEN_HEADER = "X-Webhook-Token";
    static final String HUB_SIGNATURE = "X-Hub-Signature-256";
    static final String WUZAPI_SIGNATURE = "x-hmac-signature";

    private static final String WUZAPI = "wuzapi";
    private static final String CLOUD_API = "cloud-api";

    /** Headers a reverse proxy, load balancer or tunnel adds: a request carrying one is never "local". */
    private static final Set<String> FORWARDING_HEADERS = Set.of("forwarded", "x-real-ip", "x-client-ip",
            "true-client-ip", "cf-connecting-ip", "fastly-client-ip", "x-cluster-client-ip", "via",
            "x-original-forwarded-for", "x-proxyuser-ip", "x-envoy-external-address");

    /**
     * What an authenticated post may do: the gateways ({@code dialects}) and the instances it may
     * post for (null = any), and the name of the credential (the rate limit's key; never a secret).
     */
    public record Admission(String credential, Set<String> dialects, Set<String> instances) {

        static Admission everything(String credential) {
            return new Admission(credential, null, null);
        }
    }

    private final byte[] token;
    private final byte[] hmacSecret;
    private final byte[] wuzapiKey;
    private final byte[] cloudAppSecret;
    private final boolean insecureOpen;
    private final InstanceCredentials instances;

    public WebhookAuthenticator(String token, String hmacSecret) {
        this(token, hmacSecret, "", "", false, null);
    }

    @Autowired
    public WebhookAuthenticator(IntakeSettings intake, GatewaySettings gateway, InstanceCredentials instances) {
        this(intake.token(), intake.hmacSecret(), gateway.wuzapi().hmacKey(), gateway.cloudApi().appSecret(),
                intake.insecureOpenWebhook(), instances);
    }

    WebhookAuthenticator(String token, String hmacSecret, String wuzapiKey, String cloudAppSecret, boolean insecureOpen,
                         InstanceCredentials instances) {
        this.token = bytes(token);
        this.hmacSecret = bytes(hmacSecret);
        this.wuzapiKey = bytes(wuzapiKey);
        this.cloudAppSecret = bytes(cloudAppSecret);
        this.insecureOpen = insecureOpen;
        this.instances = instances;
        if (insecureOpen) {
            LOG.warn("⚠  INSECURE: POST /webhook/ai takes posts from anyone without a credential "
                    + "(ai-worker.intake.insecure-open-webhook=true): every post is a paid AI job in any business number's chats");
        } else if (!configuredInSettings()) {
            LOG.warn("⚠  POST /webhook/ai takes posts without a credential only from this host (loopback, no proxy): "
                    + "set WEBHOOK_TOKEN, WEBHOOK_HMAC_SECRET, a gateway's signing secret or an instance's credential for gateways elsewhere");
        }
    }

    private boolean configuredInSettings() {
        return token != null || hmacSecret != null || wuzapiKey != null || cloudAppSecret != null;
    }

    /** Whether any credential is configured (settings, or an instance's own): then every post needs one. */
    boolean anyConfigured(boolean readDatabase) {
        if (configuredInSettings()) {
            return true;
        }
        if (instances == null) {
            return false;
        }
        return !(readDatabase ? instances.all() : instances.lastKnown()).isEmpty();
    }

    /**
     * {@link WebhookEdgeFilter}'s check from the headers alone, before the body is read: the 401 of
     * a post that cannot be authentic whatever its body (no credential header while credentials are
     * configured; no credential at all from a client that is not local), or null.
     */
    public HttpRefusal beforeBody(HttpServletRequest request) {
        boolean configured;
        try {
            configured = anyConfigured(true);
        } catch (RuntimeException databaseDown) {
            return null; // the route answers it (503 while the database is unreachable)
        }
        if (!configured) {
            return insecureOpen || isLocal(request) ? null : notLocal();
        }
        String presented = request.getHeader(TOKEN_HEADER);
        boolean signed = !blank(request.getHeader(HUB_SIGNATURE)) || !blank(request.getHeader(WUZAPI_SIGNATURE));
        if (blank(presented) && !signed) {
            return noCredential();
        }
        if (!signed && !tokenAloneCanAdmit(presented)) {
            // a token alone, and no token-only credential it matches: refused before the body is read
            return unauthorized(token != null ? (hmacSecret != null ? "X-Hub-Signature-256 header is missing" : "X-Webhook-Token is not valid")
                    : "the credential is not valid");
        }
        return null;
    }

    /** Whether a post carrying only this token (no signature) could be admitted: the shared token, or an instance's. */
    private boolean tokenAloneCanAdmit(String presented) {
        if (token != null && hmacSecret == null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        if (instances == null) {
            return false;
        }
        byte[] hash = sha256(presented.getBytes(StandardCharsets.UTF_8));
        boolean any = false;
        for (InstanceCredentials.Credential c : instances.all()) {
            any |= c.hmacSecret() == null && c.tokenSha256() != null && MessageDigest.isEqual(c.tokenSha256(), hash);
        }
        return any;
    }

    /**
     * The intake route's step, before parsing: variable {@code admission} = what the post's
     * credential admits ({@link Admission}), or a 401 {@link HttpRefusal}.
     */
    public void authenticateRequest(Exchange exchange) {
        var message = exchange.getIn();
        HttpServletRequest request = message instanceof PlatformHttpMessage http ? http.getRequest() : null;
        byte[] body = message.getBody(byte[].class);
        message.setBody(body);
        exchange.setVariable("admission", admission(request, body));
    }

    Admission admission(HttpServletRequest request, byte[] body) {
        if (!anyConfigured(true)) {
            if (insecureOpen) {
                return Admission.everything("open:" + (request == null ? "?" : request.getRemoteAddr()));
            }
            if (request != null && isLocal(request)) {
                return Admission.everything("local:" + request.getRemoteAddr());
            }
            throw notLocal();
        }
        String presentedToken = request == null ? null : request.getHeader(TOKEN_HEADER);
        String hubSignature = request == null ? null : request.getHeader(HUB_SIGNATURE);
        String wuzapiSignature = request == null ? null : request.getHeader(WUZAPI_SIGNATURE);
        String hub = blank(hubSignature) ? null : hubSignature.trim().toLowerCase(Locale.ROOT);
        String wuz = blank(wuzapiSignature) ? null : wuzapiSignature.trim().toLowerCase(Locale.ROOT);
        if (wuz != null && wuz.startsWith(SIGNATURE_PREFIX)) {
            wuz = wuz.substring(SIGNATURE_PREFIX.length());
        }
        // the shared credential: everything
        if ((token != null || hmacSecret != null) && sharedMatches(presentedToken, hub, body)) {
            return Admission.everything("shared");
        }
        // a gateway's own signature: that gateway only
        if (wuzapiKey != null && wuz != null && matches(wuzapiKey, body, wuz, "")) {
            return new Admission(WUZAPI, Set.of(WUZAPI), null);
        }
        if (cloudAppSecret != null && hub != null && matches(cloudAppSecret, body, hub, SIGNATURE_PREFIX)) {
            return new Admission(CLOUD_API, Set.of(CLOUD_API), null);
        }
        // an instance's own credential: that instance only (all matching ones, should two share it)
        Set<String> admitted = new LinkedHashSet<>();
        if (instances != null) {
            byte[] tokenHash = blank(presentedToken) ? null : sha256(presentedToken.getBytes(StandardCharsets.UTF_8));
            for (InstanceCredentials.Credential c : instances.all()) {
                boolean tokenOk = c.tokenSha256() == null || (tokenHash != null && MessageDigest.isEqual(c.tokenSha256(), tokenHash));
                boolean hmacOk = c.hmacSecret() == null
                        || (hub != null && matches(c.hmacSecret(), body, hub, SIGNATURE_PREFIX))
                        || (wuz != null && matches(c.hmacSecret(), body, wuz, ""));
                if (tokenOk && hmacOk) {
                    admitted.add(c.instance());
                }
            }
        }
        if (!admitted.isEmpty()) {
            return new Admission("instance:" + String.join(",", admitted), null, Collections.unmodifiableSet(admitted));
        }
        // refused: name what is wrong with the credential that was presented
        if (wuzapiKey != null && wuz != null) {
            throw unauthorized("x-hmac-signature does not match the body");
        }
        if (cloudAppSecret != null && hub != null && hmacSecret == null) {
            throw unauthorized("X-Hub-Signature-256 does not match the body");
        }
        if (token != null || hmacSecret != null) {
            authenticate(presentedToken, hubSignature, body); // throws: the shared credential did not match
        }
        if (blank(presentedToken) && hub == null && wuz == null) {
            throw noCredential();
        }
        throw unauthorized("the credential is not valid");
    }

    private boolean sharedMatches(String presentedToken, String hub, byte[] body) {
        boolean tokenOk = token == null
                || (!blank(presentedToken) && MessageDigest.isEqual(token, presentedToken.getBytes(StandardCharsets.UTF_8)));
        boolean hmacOk = hmacSecret == null || (hub != null && matches(hmacSecret, body, hub, SIGNATURE_PREFIX));
        return tokenOk && hmacOk;
    }

    /**
     * The intake route's step once the gateway and the messages are known: the credential must admit
     * this gateway and every message's instance; a gateway whose own signing secret is configured
     * must have signed. Otherwise 401, nothing stored.
     */
    public void authorize(@Variable("gateway") String gateway, @Variable("admission") Admission admission,
                          @Body List<Map<String, Object>> rows) {
        if (admission == null) {
            throw unauthorized("the post was not authenticated");
        }
        if (WUZAPI.equals(gateway) && wuzapiKey != null && !WUZAPI.equals(admission.credential())
                && admission.instances() == null) {
            throw unauthorized("x-hmac-signature header is missing or not signed with WUZAPI_HMAC_KEY");
        }
        if (CLOUD_API.equals(gateway) && cloudAppSecret != null && !CLOUD_API.equals(admission.credential())
                && admission.instances() == null) {
            throw unauthorized("X-Hub-Signature-256 header is missing or not signed with the app secret");
        }
        if (admission.dialects() != null && !admission.dialects().contains(gateway)) {
            throw unauthorized("this signature admits only " + String.join(", ", admission.dialects())
                    + " posts; this post is " + gateway + "'s");
        }
        if (admission.instances() != null && rows != null) {
            for (Map<String, Object> row : rows) {
                Object instance = row.get("instance");
                if (instance != null && !admission.instances().contains(instance.toString())) {
                    throw unauthorized("this credential does not admit posts for this instance");
                }
            }
        }
    }

    /** The shared credential's check: passes an authentic request; otherwise throws a 401 {@link HttpRefusal}. */
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

    /** A client on this host that came through no proxy or tunnel (a post through one is never local). */
    static boolean isLocal(HttpServletRequest request) {
        for (var names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement().toLowerCase(Locale.ROOT);
            if (name.startsWith("x-forwarded") || FORWARDING_HEADERS.contains(name)) {
                return false;
            }
        }
        String address = request.getRemoteAddr();
        if (address == null || address.isEmpty()) {
            return false;
        }
        try {
            // an IP literal: no name lookup
            return InetAddress.getByName(address.startsWith("[") ? address.substring(1, address.length() - 1) : address)
                    .isLoopbackAddress();
        } catch (UnknownHostException | IllegalArgumentException e) {
            return false;
        }
    }

    private static HttpRefusal notLocal() {
        return unauthorized("no webhook credential is configured, so only posts from this host (not through a proxy or tunnel) "
                + "are taken: set WEBHOOK_TOKEN and send it in X-Webhook-Token");
    }

    private HttpRefusal noCredential() {
        StringBuilder missing = new StringBuilder("no credential: " + TOKEN_HEADER + " header is missing");
        if (hmacSecret != null || cloudAppSecret != null) {
            missing.append(", ").append(HUB_SIGNATURE).append(" header is missing");
        }
        if (wuzapiKey != null) {
            missing.append(", ").append(WUZAPI_SIGNATURE).append(" header is missing");
        }
        return unauthorized(missing.toString());
    }

    private static boolean matches(byte[] secret, byte[] body, String presented, String prefix) {
        byte[] expected = (prefix + HexFormat.of().formatHex(hmac(secret, body == null ? new byte[0] : body)))
                .getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }

    private static byte[] bytes(String secret) {
        return secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
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

    private static HttpRefusal unauthorized(String message) {
        return new HttpRefusal(401, "unauthorized", message);
    }
}
