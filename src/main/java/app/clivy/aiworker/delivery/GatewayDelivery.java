package app.clivy.aiworker.delivery;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.gateway.GatewayReply;
import app.clivy.aiworker.gateway.GatewaySettings;
import app.clivy.aiworker.gateway.Gateways;
import app.clivy.aiworker.gateway.SendRequest;
import app.clivy.aiworker.gateway.WhatsAppGateway;
import app.clivy.aiworker.gateway.Wuzapi;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The Java side of routes/09-deliver.camel.yaml: {@link #prepare} builds the gateway request of
 * one claimed reply in its gateway's dialect (URL and credential per instance; the dialect is the
 * instance's {@code type}, or with {@code auto} the gateway the message came through, see
 * {@link #dialect}; the credential stays in Java, out of route definitions and logs); {@link #read}
 * reads the answer (the gateway's message id, or a typed failure); {@link #describe} names a
 * failure and its backoff for the outcome routes.
 */
@Component("gatewayDelivery")
public class GatewayDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayDelivery.class);
    /** {@code ai-worker.gateway.type}: the dialect follows the message's gateway. */
    public static final String AUTO = "auto";

    private final ObjectMapper json = JsonMappers.create();
    private final Environment env;
    private final Gateways gateways;
    private final String url;
    private final String token;
    private final String type;
    private final long timeoutMs;
    private final int maxAttempts;
    private final long retryBaseMs;
    private final long retryMaxMs;
    private final long pairRetrySeconds;

    /** With the number-health defaults (15 min pause, 60 s pair retry), for tests of the dialect choice. */
    public GatewayDelivery(Environment env, Gateways gateways, GatewaySettings settings) {
        this(env, gateways, settings, new NumberHealthSettings(java.time.Duration.ofMinutes(15), java.time.Duration.ofSeconds(60)));
    }

    @org.springframework.beans.factory.annotation.Autowired
    public GatewayDelivery(Environment env, Gateways gateways, GatewaySettings settings, NumberHealthSettings numberHealth) {
        this.env = env;
        this.gateways = gateways;
        this.url = settings.url().strip();
        this.token = settings.token();
        this.type = settings.type().isBlank() ? AUTO : settings.type().strip();
        checkType(this.type, "ai-worker.gateway.type");
        // a mistyped instance type stops the start, not each of its replies later
        Bindable<Map<String, Map<String, String>>> instances = Bindable.of(ResolvableType.forClassWithGenerics(Map.class,
                ResolvableType.forClass(String.class), ResolvableType.forClassWithGenerics(Map.class, String.class, String.class)));
        Binder.get(env).bind("ai-worker.gateway.instances", instances).orElse(Map.of()).forEach((instance, instanceSettings) -> {
            String own = instanceSettings.get("type");
            if (own != null && !own.isBlank()) {
                checkType(own.strip(), "ai-worker.gateway.instances." + instance + ".type");
            }
        });
        this.timeoutMs = settings.timeoutMs();
        this.maxAttempts = settings.maxAttempts();
        this.retryBaseMs = settings.retryBaseMs();
        this.retryMaxMs = settings.retryMaxMs();
        // the number's health: a chat's pair rate limit is retried after at least this long
        this.pairRetrySeconds = numberHealth.pairRetry().toSeconds();
        if (this.url.isEmpty()) {
            LOG.info("📭 Reply delivery is off (no WHATSAPP_GATEWAY_URL): replies are stored only");
        } else {
            // scheme, host and port only: the path, the query or the user part of the URL may carry a token
            LOG.info("📬 Reply delivery is on: replies are posted to {} (gateway type {})", origin(this.url), this.type);
        }
    }

    /** The delivery state a new reply row starts in (sql/job-done.sql). */
    public String getInitialStatus() {
        return url.isEmpty() ? "off" : "pending";
    }

    /** A claim's lease outlives the slowest legitimate call. */
    public long getLeaseSeconds() {
        return (timeoutMs + 999) / 1000 + 30;
    }

    /** The scheme, host and port of a URL, for the log. */
    static String origin(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            if (uri.getScheme() != null && uri.getHost() != null) {
                return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            }
        } catch (IllegalArgumentException e) {
            // not a URI: say nothing of it
        }
        return "the configured gateway";
    }

    /** The base URL of an instance's gateway: {@code ai-worker.gateway.instances.<instance>.url}, else the default. */
    public String gatewayUrl(String instance) {
        String base = setting(instance, "url", url).strip();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The gateway credential of an instance (its own, else the default): media downloads use the send credential. */
    public String gatewayToken(String instance) {
        return setting(instance, "token", token);
    }

    /**
     * The dialect of a reply: the instance's {@code type} ({@code ai-worker.gateway.instances.<i>.type},
     * else {@code ai-worker.gateway.type}); with {@code auto} the gateway the message came through;
     * when that is unknown (rows stored before gateways were told apart), wuzapi's dialect with the
     * {@code path / token-header / phone-field / body-field} settings, as before.
     */
    public WhatsAppGateway dialect(String instance, String messageGateway) {
        String own = setting(instance, "type", type).strip();
        if (!AUTO.equals(own)) {
            return gateways.named(own);
        }
        WhatsAppGateway origin = gateways.named(messageGateway);
        return origin != null ? origin : gateways.named(Wuzapi.NAME);
    }

    /**
     * Sets the body and the headers for the reply in variable {@code reply} in its gateway's dialect,
     * the gateway's URL in the header {@code CamelHttpUri}: the route's endpoint stays
     * {@code http://whatsapp-gateway}, so the URL (which may carry a token) is in no endpoint name
     * (JMX, Hawtio) and no route definition. Variables {@code gatewayDialect} and
     * {@code gatewayAuthHeaders} are for {@link #read}.
     */
    public void prepare(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, Object> row = exchange.getVariable("reply", Map.class);
        // one part of a reply sent in parts (agent/ReplyParts): that part's text instead of the reply's
        String part = exchange.getVariable("partText", String.class);
        if (part != null) {
            row = new java.util.HashMap<>(row);
            row.put("body", part);
        }
        String instance = String.valueOf(row.get("instance"));
        WhatsAppGateway dialect = dialect(instance, (String) row.get("gateway"));
        SendRequest request = dialect.request(GatewayReply.of(row, setting(instance, "token", token)));
        if (!safePath(request.path())) {
            // a value from a webhook (an instance, a Cloud API id) must never steer the authorized call elsewhere
            throw new GatewayRejectedException("the reply's gateway path is not a plain path (dot segments, query or "
                    + "unencoded characters); nothing sent");
        }
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        request.headers().forEach(message::setHeader);
        message.setBody(request.body());
        message.setHeader(Exchange.HTTP_URI, gatewayUrl(instance) + request.path());
        exchange.setVariable("gatewayDialect", dialect.name());
        exchange.setVariable("gatewayAuthHeaders", List.copyOf(request.headers().keySet()));
    }

    /** Plain path segments only: no {@code .} / {@code ..} segment, no query or fragment, nothing unencoded. */
    public static boolean safePath(String path) {
        if (path == null || !SAFE_PATH.matcher(path).matches()) {
            return false;
        }
        for (String segment : path.split("/")) {
            if (segment.equals(".") || segment.equals("..") || segment.equalsIgnoreCase("%2e") || segment.toLowerCase().contains("%2e%2e")
                    || segment.toLowerCase().contains("%2f")) {
                return false;
            }
        }
        return true;
    }

    private static final java.util.regex.Pattern MASKED_DIGITS = java.util.regex.Pattern.compile("\\d{7,}");
    private static final java.util.regex.Pattern SAFE_PATH = java.util.regex.Pattern.compile("(/[A-Za-z0-9._~%@:+-]+)+");

    /** Reads the gateway's answer: sets {@code gatewayReplyId} on 2xx, else throws the failure's type. */
    public void read(Exchange exchange) {
        var message = exchange.getMessage();
        @SuppressWarnings("unchecked")
        List<String> authHeaders = exchange.getVariable("gatewayAuthHeaders", List.class);
        if (authHeaders != null) {
            authHeaders.forEach(message::removeHeader);
        }
        message.removeHeader(Exchange.HTTP_URI);
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = message.getBody(String.class);
        if (status >= 200 && status < 300) {
            exchange.setVariable("gatewayReplyId", replyId(gateways.named(exchange.getVariable("gatewayDialect", String.class)), body));
            return;
        }
        String reason = "gateway answered " + status + (body == null || body.isBlank() ? "" : ": " + shorten(body));
        // the number's health (docs/delivery.md): answers about the number or the chat, classed apart
        NumberHealth.Verdict health = NumberHealth.classify(status, body);
        switch (health.kind()) {
            case PAUSE -> throw new GatewayNumberRestrictedException(health.reason(), health.reason() + ": " + reason);
            case OUTSIDE_WINDOW -> throw new GatewayRejectedException(health.reason() + ": " + reason);
            case RETRY -> throw new GatewayRetryableException(health.reason() + ": " + reason, pairRetrySeconds);
            default -> {
                // not about the number: the status decides
            }
        }
        if (status == 408 || status == 429 || status >= 500) {
            throw new GatewayRetryableException(reason, retryAfterSeconds(message.getHeader("Retry-After", String.class)));
        }
        throw new GatewayRejectedException(reason);
    }

    /**
     * The failure of a reply's delivery as the routes keep it: {@code deliveryError}, {@code delayMs}
     * and {@code delaySeconds} (the same wait, text with one decimal, for the log line) and
     * {@code lastAttempt} (the reply's attempts are spent).
     */
    public record Failure(String deliveryError, long delayMs, String delaySeconds, boolean lastAttempt) {
    }

    /**
     * Names the failure caught by the route's onException: the error, the wait before the next
     * attempt (exponential backoff from {@code retry-base-ms}, capped at {@code retry-max-ms}, with
     * jitter; a longer {@code Retry-After} wins) and whether this was the last attempt.
     */
    public Failure describe(Throwable caught, Map<String, Object> reply) {
        String error;
        long retryAfterMs = 0;
        if (caught instanceof GatewayRetryableException retry) {
            error = retry.getMessage();
            retryAfterMs = retry.getRetryAfterSeconds() * 1000;
        } else if (find(caught, SocketTimeoutException.class) != null) {
            error = "no answer from the gateway within " + timeoutMs + " ms";
        } else if (find(caught, IOException.class) != null) {
            IOException io = find(caught, IOException.class);
            error = "gateway unreachable: " + io.getClass().getSimpleName() + ": " + io.getMessage();
        } else {
            error = caught == null ? "unknown" : caught.getMessage();
        }
        int attempts = ((Number) reply.get("delivery_attempts")).intValue();
        long delayMs = Math.max(retryAfterMs, backoffMs(attempts));
        return new Failure(error, delayMs, String.format(java.util.Locale.ROOT, "%.1f", delayMs / 1000.0),
                attempts >= maxAttempts);
    }

    /** base * 2^(attempt-1), capped, then "equal jitter": between half and all of it. */
    long backoffMs(int attempt) {
        long delay = retryBaseMs << Math.min(Math.max(attempt - 1, 0), 20);
        delay = Math.min(delay, retryMaxMs);
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }

    private String replyId(WhatsAppGateway dialect, String body) {
        if (body == null || body.isBlank() || dialect == null) {
            return null;
        }
        try {
            return dialect.messageId(json.readTree(body));
        } catch (IOException e) {
            LOG.debug("Gateway answer is not JSON: {}", shorten(body));
            return null;
        }
    }

    private String setting(String instance, String key, String fallback) {
        String own = env.getProperty("ai-worker.gateway.instances." + instance + "." + key, "");
        return own.isBlank() ? fallback : own;
    }

    private void checkType(String name, String setting) {
        if (!AUTO.equals(name) && gateways.named(name) == null) {
            throw new IllegalStateException(setting + " = " + name + " is not one of auto, " + String.join(", ", gateways.names()));
        }
    }

    private static long retryAfterSeconds(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A gateway's error body for logs and the row: flat, short, and with long digit runs (phone numbers) masked. */
    static String shorten(String text) {
        String flat = MASKED_DIGITS.matcher(text.strip().replaceAll("\\s+", " "))
                .replaceAll(m -> m.group().substring(0, 2) + "*".repeat(m.group().length() - 4) + m.group().substring(m.group().length() - 2));
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
