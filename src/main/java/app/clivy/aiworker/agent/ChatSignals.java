package app.clivy.aiworker.agent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import app.clivy.aiworker.delivery.DeliveryPauses;
import app.clivy.aiworker.delivery.GatewayDelivery;
import app.clivy.aiworker.gateway.EvolutionApi;
import app.clivy.aiworker.gateway.GatewayReply;
import app.clivy.aiworker.gateway.SendRequest;
import app.clivy.aiworker.gateway.WhatsAppGateway;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * "Read" ticks and "typing..." before the model works (docs/agent.md): the customer's messages a job
 * answers are marked read at their gateway and the typing indicator shown, through the gateway's own
 * calls ({@link WhatsAppGateway#signals}). Best effort: the calls are started and not waited for, each
 * with {@code ai-worker.agent.signal-timeout-ms}; an answer that is not 2xx, a timeout or an unreachable
 * gateway is logged (the first of a run of failures per instance at WARN, the rest at DEBUG) and counted
 * ({@code ai_worker_chat_signals_total{outcome}}), never retried and never a delivery: the job and its
 * reply go on as if nothing was sent. Nothing is sent while delivery is off or the gateway breaker is
 * open. Log lines name the instance and the gateway, never a chat, a number or a token.
 */
@Component("chatSignals")
public class ChatSignals {

    private static final Logger LOG = LoggerFactory.getLogger(ChatSignals.class);
    /** Signals in flight at most: beyond that (a gateway that hangs) new ones are skipped. */
    private static final int MAX_IN_FLIGHT = 64;

    private final AgentSettings settings;
    private final ChatKeywords keywords;
    private final GatewayDelivery delivery;
    private final DeliveryPauses pauses;
    private final CircuitBreaker gatewayBreaker;
    private final MeterRegistry meters;
    private final HttpClient http;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    /** Instances whose last signal failed: their next failures are logged at DEBUG until one succeeds. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    public ChatSignals(AgentSettings settings, ChatKeywords keywords, GatewayDelivery delivery, DeliveryPauses pauses,
                       @Qualifier("gatewayCircuitBreaker") CircuitBreaker gatewayBreaker, MeterRegistry meters) {
        this.settings = settings;
        this.keywords = keywords;
        this.delivery = delivery;
        this.pauses = pauses;
        this.gatewayBreaker = gatewayBreaker;
        this.meters = meters;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(settings.signalTimeoutMs())).build();
    }

    /** Whether the instance's customers get read and typing signals (its {@code agent.read_and_typing}, else the default). */
    public boolean wanted(String instance) {
        return keywords.readAndTyping(instance) && "pending".equals(delivery.getInitialStatus())
                // WhatsApp restricts or rate-limits the number: nothing more is sent through it until the pause ends
                && !pauses.isPaused(instance);
    }

    /**
     * Starts the read and typing calls for the customer's messages a job answers (the rows of
     * sql/agent-answered-messages.sql, newest first) and returns how many calls were started (0: none).
     * Returns at once: the calls finish on their own.
     */
    public int send(List<Map<String, Object>> messages) {
        if (messages == null || messages.isEmpty()) {
            return 0;
        }
        if (gatewayBreaker.getState() == CircuitBreaker.State.OPEN || gatewayBreaker.getState() == CircuitBreaker.State.FORCED_OPEN) {
            return 0;
        }
        Map<String, Object> newest = messages.get(0);
        String instance = String.valueOf(newest.get("instance"));
        List<String> ids = new ArrayList<>();
        for (Map<String, Object> row : messages) {
            ids.add(String.valueOf(row.get("gateway_message_id")));
        }
        Collections.reverse(ids);
        WhatsAppGateway dialect = delivery.dialect(instance, (String) newest.get("gateway"));
        if (dialect == null) {
            return 0;
        }
        Map<String, Object> row = new HashMap<>(newest);
        row.put("body", "");
        List<SendRequest> calls = dialect.signals(GatewayReply.of(row, delivery.gatewayToken(instance)), ids);
        if (calls.isEmpty()) {
            return 0;
        }
        String base = delivery.gatewayUrl(instance);
        int started = 0;
        for (int i = 0; i < calls.size(); i++) {
            SendRequest call = calls.get(i);
            String kind = calls.size() == 1 ? "read and typing" : i == 0 ? "read" : "typing";
            if (!GatewayDelivery.safePath(call.path())) {
                // a value from a webhook (an instance, a Cloud API id) must never steer the authorized call elsewhere
                failed(instance, dialect.name(), kind, "its path is not a plain path; nothing sent");
                continue;
            }
            if (!inFlight.tryAcquire()) {
                LOG.debug("Read/typing signal of instance {} skipped: {} signals still waiting for their gateway", instance, MAX_IN_FLIGHT);
                counted("skipped");
                continue;
            }
            // Evolution API answers its presence call only after the typing time it was given
            long timeoutMs = settings.signalTimeoutMs()
                    + (dialect instanceof EvolutionApi && call.path().startsWith("/chat/sendPresence/") ? EvolutionApi.TYPING_MS : 0);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + call.path()))
                    .timeout(Duration.ofMillis(timeoutMs))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(call.body()));
            call.headers().forEach(request::header);
            try {
                http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                    inFlight.release();
                    if (error != null) {
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        failed(instance, dialect.name(), kind, cause.getClass().getSimpleName());
                    } else if (response.statusCode() / 100 != 2) {
                        failed(instance, dialect.name(), kind, "HTTP " + response.statusCode());
                    } else {
                        if (failing.remove(instance)) {
                            LOG.info("✅ Read/typing signals of instance {} are taken by the gateway again", instance);
                        }
                        counted("sent");
                    }
                });
                started++;
            } catch (RuntimeException e) {
                inFlight.release();
                failed(instance, dialect.name(), kind, e.getClass().getSimpleName());
            }
        }
        return started;
    }

    private void failed(String instance, String gateway, String kind, String why) {
        counted("failed");
        if (failing.add(instance)) {
            LOG.warn("⚠  Read/typing signal ({}) of instance {} not taken by the {} gateway: {}; the reply is sent as usual "
                    + "(further failures of this instance at DEBUG until one succeeds)", kind, instance, gateway, why);
        } else {
            LOG.debug("Read/typing signal ({}) of instance {} not taken by the {} gateway: {}", kind, instance, gateway, why);
        }
    }

    private void counted(String outcome) {
        Counter.builder("ai_worker_chat_signals").description("read and typing calls to the gateways before the model works, by outcome")
                .tag("outcome", outcome).register(meters).increment();
    }
}
