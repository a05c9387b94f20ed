package app.clivy.aiworker.delivery;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The Java side of routes/09-deliver.camel.yaml: {@link #prepare} builds the gateway request of
 * one claimed reply (URL per instance, JSON body, the token header: the token stays in Java, out of
 * route definitions and logs); {@link #read} reads the answer (the gateway's message id, or a typed
 * failure); {@link #describe} names a failure and its backoff for the outcome routes.
 */
@Component("gatewayDelivery")
public class GatewayDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayDelivery.class);
    /** Where whatsmeow-style gateways put the id of the message they sent, most specific first. */
    private static final String[][] ID_PATHS = {
            {"data", "Id"}, {"data", "id"}, {"data", "ID"}, {"data", "MessageID"}, {"data", "messageId"},
            {"Id"}, {"id"}, {"ID"}, {"MessageID"}, {"messageId"}};

    private final ObjectMapper json = new ObjectMapper();
    private final Environment env;
    private final String url;
    private final String path;
    private final String token;
    private final String tokenHeader;
    private final String phoneField;
    private final String bodyField;
    private final long timeoutMs;
    private final int maxAttempts;
    private final long retryBaseMs;
    private final long retryMaxMs;

    public GatewayDelivery(Environment env, GatewaySettings settings) {
        this.env = env;
        this.url = settings.url().strip();
        this.path = settings.path();
        this.token = settings.token();
        this.tokenHeader = settings.tokenHeader();
        this.phoneField = settings.phoneField();
        this.bodyField = settings.bodyField();
        this.timeoutMs = settings.timeoutMs();
        this.maxAttempts = settings.maxAttempts();
        this.retryBaseMs = settings.retryBaseMs();
        this.retryMaxMs = settings.retryMaxMs();
        if (this.url.isEmpty()) {
            LOG.info("📭 Reply delivery is off (no WHATSAPP_GATEWAY_URL): replies are stored only");
        } else {
            // scheme, host and port only: the path, the query or the user part of the URL may carry a token
            LOG.info("📬 Reply delivery is on: replies are posted to {}", origin(this.url));
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

    public int getMaxAttempts() {
        return maxAttempts;
    }

    /** The gateway of an instance: {@code ai-worker.gateway.instances.<instance>.url}, else the default. */
    public String gatewayUrl(String instance) {
        String own = env.getProperty("ai-worker.gateway.instances." + instance + ".url", "");
        String base = own.isBlank() ? url : own.strip();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }

    /** The WhatsApp number of a chat JID: {@code 628123@s.whatsapp.net} is {@code 628123}. */
    public static String phone(String chat) {
        int at = chat.indexOf('@');
        return at < 0 ? chat : chat.substring(0, at);
    }

    /**
     * Sets the body and the headers for the reply in variable {@code reply}, the gateway's URL in the
     * header {@code CamelHttpUri}: the route's endpoint stays {@code http://whatsapp-gateway}, so the
     * URL (which may carry a token) is in no endpoint name (JMX, Hawtio) and no route definition.
     */
    public void prepare(Exchange exchange) throws JsonProcessingException {
        @SuppressWarnings("unchecked")
        Map<String, Object> reply = exchange.getVariable("reply", Map.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(phoneField, phone(String.valueOf(reply.get("chat"))));
        body.put(bodyField, String.valueOf(reply.get("body")));
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (!token.isEmpty()) {
            message.setHeader(tokenHeader, token);
        }
        message.setBody(json.writeValueAsString(body));
        message.setHeader(Exchange.HTTP_URI, gatewayUrl(String.valueOf(reply.get("instance"))));
    }

    /** Reads the gateway's answer: sets {@code gatewayReplyId} on 2xx, else throws the failure's type. */
    public void read(Exchange exchange) {
        var message = exchange.getMessage();
        message.removeHeader(tokenHeader);
        message.removeHeader(Exchange.HTTP_URI);
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = message.getBody(String.class);
        if (status >= 200 && status < 300) {
            exchange.setVariable("gatewayReplyId", replyId(body));
            return;
        }
        String reason = "gateway answered " + status + (body == null || body.isBlank() ? "" : ": " + shorten(body));
        if (status == 408 || status == 429 || status >= 500) {
            throw new GatewayRetryableException(reason, retryAfterSeconds(message.getHeader("Retry-After", String.class)));
        }
        throw new GatewayRejectedException(reason);
    }

    /**
     * Names the failure caught by the route's onException: variables {@code deliveryError} and
     * {@code delayMs} (exponential backoff from {@code retry-base-ms}, capped at {@code retry-max-ms},
     * with jitter; a longer {@code Retry-After} wins) and {@code lastAttempt}.
     */
    public void describe(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
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
        @SuppressWarnings("unchecked")
        Map<String, Object> reply = exchange.getVariable("reply", Map.class);
        int attempts = ((Number) reply.get("delivery_attempts")).intValue();
        exchange.setVariable("deliveryError", error);
        long delayMs = Math.max(retryAfterMs, backoffMs(attempts));
        exchange.setVariable("delayMs", delayMs);
        exchange.setVariable("delaySeconds", String.format(java.util.Locale.ROOT, "%.1f", delayMs / 1000.0));
        exchange.setVariable("lastAttempt", attempts >= maxAttempts);
    }

    /** base * 2^(attempt-1), capped, then "equal jitter": between half and all of it. */
    long backoffMs(int attempt) {
        long delay = retryBaseMs << Math.min(Math.max(attempt - 1, 0), 20);
        delay = Math.min(delay, retryMaxMs);
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }

    private String replyId(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode answer = json.readTree(body);
            for (String[] path : ID_PATHS) {
                JsonNode node = answer;
                for (String field : path) {
                    node = node.path(field);
                }
                if (node.isValueNode() && !node.asText().isEmpty()) {
                    return node.asText();
                }
            }
        } catch (IOException e) {
            LOG.debug("Gateway answer is not JSON: {}", shorten(body));
        }
        return null;
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

    private static String shorten(String text) {
        String flat = text.strip().replaceAll("\\s+", " ");
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
