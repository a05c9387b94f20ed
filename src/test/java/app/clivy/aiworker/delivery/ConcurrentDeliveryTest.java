package app.clivy.aiworker.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import app.clivy.aiworker.support.DeliveryTest;
import app.clivy.aiworker.support.FakeGateway;
import app.clivy.aiworker.support.FakeOpenRouter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeGateway.SEND;
import static app.clivy.aiworker.support.FakeGateway.send;
import static app.clivy.aiworker.support.FakeGateway.sent;
import static app.clivy.aiworker.support.FakeGateway.server;
import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A slow gateway (3-6 s per POST) and replies to many chats: each reply has its own lease, sized
 * for its own POST, so none is posted twice; replies to different chats are posted side by side
 * (up to ai-worker.gateway.concurrency), one chat's replies in order. Also the privacy of the
 * gateway URL (an instance's URL carries a secret path: it is in no endpoint name and no log line)
 * and of the customer (OpenRouter's {@code user} is a salted hash, never the phone number).
 */
@TestPropertySource(properties = {"ai-worker.gateway.timeout-ms=10000", "ai-worker.gateway.concurrency=16",
        "ai-worker.gateway.sweep-interval-ms=300"})
class ConcurrentDeliveryTest extends DeliveryTest {

    static final String SECRET_INSTANCE = "inst-secret-url";
    static final String SECRET_PATH = "/t0k3n-in-the-url-9f8e7d";
    private static final int CHATS = 24;

    @Autowired
    CamelContext camel;

    @DynamicPropertySource
    static void secretGateway(DynamicPropertyRegistry registry) {
        registry.add("ai-worker.gateway.instances." + SECRET_INSTANCE + ".url", () -> FakeGateway.baseUrl() + SECRET_PATH);
    }

    @Test
    void slowPostsToManyChatsOverlapAndEachReplyIsPostedOnceAndOneChatInOrder() {
        server().stubFor(send("slow-gw").willReturn(sent("gw-slow").withUniformRandomDelay(3000, 6000)));
        List<Long> replies = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < CHATS; i++) {
            replies.add(storeReply(instance, "6289" + i + "@s.whatsapp.net", "slow-gw reply " + i + " end"));
        }
        // two more to the first chat: they go after its first one, in order
        long second = storeReply(instance, "62890@s.whatsapp.net", "slow-gw reply second-of-chat end");
        long third = storeReply(instance, "62890@s.whatsapp.net", "slow-gw reply third-of-chat end");
        replies.add(second);
        replies.add(third);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> db.queryForObject(
                "SELECT COUNT(*) FROM messages WHERE instance = ? AND delivery_status = 'sent'", Long.class, instance) == replies.size());
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        List<ServeEvent> posts = server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getBodyAsString().contains("slow-gw")).toList();
        // each reply posted exactly once
        assertThat(posts).hasSize(replies.size());
        for (int i = 0; i < CHATS; i++) {
            String text = "slow-gw reply " + i + " end";
            assertThat(posts.stream().filter(e -> e.getRequest().getBodyAsString().contains(text)).count()).as(text).isEqualTo(1);
        }
        assertThat(db.queryForObject("SELECT MAX(delivery_attempts) FROM messages WHERE instance = ?", Integer.class, instance))
                .isEqualTo(1);
        // many POSTs in flight at once: the most that overlapped, from the gateway's own request times
        int overlap = maxOverlap(posts);
        System.out.printf("%d replies to %d chats through a 3-6 s gateway: %d ms, up to %d POSTs at once%n",
                replies.size(), CHATS, tookMs, overlap);
        assertThat(overlap).isGreaterThanOrEqualTo(8).isLessThanOrEqualTo(16);
        // one chat's replies: each POST begins after the one before it was answered
        ServeEvent firstOfChat = post(posts, "slow-gw reply 0 end");
        ServeEvent secondOfChat = post(posts, "second-of-chat");
        ServeEvent thirdOfChat = post(posts, "third-of-chat");
        assertThat(start(secondOfChat)).isGreaterThanOrEqualTo(end(firstOfChat));
        assertThat(start(thirdOfChat)).isGreaterThanOrEqualTo(end(secondOfChat));
    }

    @Test
    void theGatewayUrlIsInNoEndpointNameAndNoLogLineAndOpenRouterGetsAHashNotThePhoneNumber() throws Exception {
        when("privacy-check", completion("ok (privacy-check)", "openai/gpt-4o", 10, 2, 0));
        server().stubFor(send(SECRET_PATH, "privacy-check").willReturn(sent("gw-secret")));
        instance = SECRET_INSTANCE;
        long one = postMessage("628111222333@s.whatsapp.net", "privacy-check one");
        long two = postMessage("628111222333@s.whatsapp.net", "privacy-check two");
        long other = postMessage("628444555666@s.whatsapp.net", "privacy-check other");
        for (long job : List.of(one, two, other)) {
            awaitDone(job);
            long id = db.queryForObject("SELECT id FROM messages WHERE job_id = ? AND direction = 'out'", Long.class, job);
            awaitDelivery(id, "sent");
        }
        server().verify(3, postRequestedFor(urlEqualTo(SECRET_PATH + SEND)).withRequestBody(containing("privacy-check")));

        // no endpoint of the context, and no log line, shows the secret part of the gateway's URL
        List<String> endpoints = camel.getEndpoints().stream().map(Endpoint::getEndpointUri).toList();
        assertThat(endpoints).anyMatch(uri -> uri.startsWith("http://whatsapp-gateway"));
        assertThat(endpoints).noneMatch(uri -> uri.contains(SECRET_PATH.substring(1)));
        assertThat(camel.getEndpointRegistry().keySet().toString()).doesNotContain(SECRET_PATH.substring(1));
        assertThat(logs.everything()).doesNotContain(SECRET_PATH.substring(1));

        // OpenRouter's user: the same hash for one customer, another for another, never the number
        ObjectMapper json = new ObjectMapper();
        List<String> users = new ArrayList<>();
        for (String text : List.of("privacy-check one", "privacy-check two", "privacy-check other")) {
            String body = FakeOpenRouter.server().findAll(postRequestedFor(urlEqualTo(FakeOpenRouter.CHAT))
                    .withRequestBody(containing(text))).get(0).getBodyAsString();
            assertThat(body).doesNotContain("628111222333").doesNotContain("628444555666");
            users.add(json.readTree(body).path("user").asText());
        }
        assertThat(users).allMatch(u -> u.matches("[0-9a-f]{32}"));
        assertThat(users.get(0)).isEqualTo(users.get(1)).isNotEqualTo(users.get(2));
    }

    private static ServeEvent post(List<ServeEvent> posts, String text) {
        return posts.stream().filter(e -> e.getRequest().getBodyAsString().contains(text)).findFirst().orElseThrow();
    }

    private static long start(ServeEvent e) {
        return e.getRequest().getLoggedDate().getTime();
    }

    private static long end(ServeEvent e) {
        return start(e) + e.getTiming().getTotalTime();
    }

    /** The most requests the gateway was serving at one moment. */
    private static int maxOverlap(List<ServeEvent> posts) {
        List<long[]> edges = new ArrayList<>();
        for (ServeEvent e : posts) {
            edges.add(new long[] {start(e), 1});
            edges.add(new long[] {end(e), -1});
        }
        edges.sort(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
        int now = 0;
        int most = 0;
        for (long[] edge : edges) {
            now += (int) edge[1];
            most = Math.max(most, now);
        }
        return most;
    }
}
