package app.clivy.aiworker.knowledge;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import app.clivy.aiworker.support.WorkerTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static app.clivy.aiworker.support.FakeOpenRouter.completion;
import static app.clivy.aiworker.support.FakeOpenRouter.json;
import static app.clivy.aiworker.support.FakeOpenRouter.server;
import static app.clivy.aiworker.support.FakeOpenRouter.when;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Meaning search through a fake of OpenRouter's embeddings endpoint in its real answer shape
 * ({@code data[].index}, {@code data[].embedding}, {@code usage.cost}). The fake gives a text the
 * vector of its topic: cash on delivery, warranty, or anything else, so a question in other words
 * than the document still finds it. Passages are embedded in batches of 2 here.
 */
@TestPropertySource(properties = {"ai-worker.knowledge.embedding-batch=2", "ai-worker.knowledge.embedding-retry-seconds=1"})
class MeaningSearchTest extends WorkerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMBEDDINGS = "/api/v1/embeddings";
    /** One vector per input, by topic: "COD" or "kurir" -> (1, 0, 0.1), "garansi" -> (0, 1, 0.1), else (0, 0, 1). */
    private static final String TOPIC_VECTORS = """
            {"object":"list","data":[{{#each (jsonPath request.body '$.input')}}{"object":"embedding","index":{{@index}},\
            "embedding":[{{#if (contains this 'COD')}}1.0,0.0,0.1{{else if (contains this 'kurir')}}1.0,0.0,0.1\
            {{else if (contains this 'garansi')}}0.0,1.0,0.1{{else}}0.0,0.0,1.0{{/if}}]}\
            {{#unless @last}},{{/unless}}{{/each}}],"model":"openai/text-embedding-3-small",\
            "usage":{"prompt_tokens":12,"total_tokens":12,"cost":0.000002}}""";

    private final List<StubMapping> stubs = new ArrayList<>();

    @AfterEach
    void removeEmbeddingStubs() {
        // the fake is shared by every test class: other classes' documents get no vectors from it
        stubs.forEach(server()::removeStub);
    }

    private void embeddings(String marker, int priority, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        stubs.add(server().stubFor(post(urlEqualTo(EMBEDDINGS)).atPriority(priority)
                .withRequestBody(containing(marker)).willReturn(answer)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder topics() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(TOPIC_VECTORS).withTransformers("response-template");
    }

    @Test
    void passagesAreEmbeddedInBatchesAndAQuestionInOtherWordsFindsTheirMeaning() throws Exception {
        String tag = "mtest" + System.nanoTime();
        String question = "qmark" + System.nanoTime(); // a word of no document
        embeddings(tag, 5, topics());
        embeddings(question, 5, topics());
        long cod = document("Cara bayar " + tag, "Bisa COD untuk wilayah Jabodetabek, siapkan nominal pas.");
        document("Garansi " + tag, "Semua produk bergaransi resmi satu tahun.");
        document("Lokasi " + tag, "Toko kami ada di Jalan Sudirman nomor 5.");
        awaitKnowledgeIndexed();
        await().atMost(Duration.ofSeconds(20)).until(() -> db.queryForObject(
                "SELECT count(*) FROM knowledge_passages WHERE instance = ? AND embedding IS NOT NULL", Integer.class, instance) == 3);

        // three passages, batches of 2: two requests, every passage in exactly one
        List<LoggedRequest> batches = server().findAll(postRequestedFor(urlEqualTo(EMBEDDINGS)).withRequestBody(containing(tag)));
        List<Integer> sizes = new ArrayList<>();
        for (LoggedRequest r : batches) {
            JsonNode body = JSON.readTree(r.getBodyAsString());
            assertThat(body.path("model").asText()).isEqualTo("openai/text-embedding-3-small");
            assertThat(r.getHeader("Authorization")).startsWith("Bearer ");
            sizes.add(body.path("input").size());
        }
        assertThat(sizes).containsExactlyInAnyOrder(2, 1);
        // the batches' cost is the instance's spend
        assertThat(db.queryForObject("SELECT sum(cost_usd) FROM instance_spend WHERE instance = ?", BigDecimal.class, instance))
                .isEqualByComparingTo("0.000004");

        // no word of the question is in the COD passage; its meaning is
        when(question, completion("Bisa bayar di tempat.", "openai/gpt-4o", 100, 5, 0));
        long job = postMessage(question + " uangnya dikasih waktu kurir datang?");
        awaitDone(job);
        JsonNode knowledge = JSON.readTree(String.valueOf(job(job).get("output_json"))).path("knowledge");
        assertThat(knowledge.path("meaning_search").asText()).isEqualTo("used");
        JsonNode first = knowledge.path("passages").get(0);
        assertThat(first.path("document_id").asLong()).isEqualTo(cod);
        assertThat(first.path("meaning_rank").asInt()).isEqualTo(1);
        assertThat(first.path("word_rank").asInt()).isZero();
        String system = JSON.readTree(server().findAll(postRequestedFor(urlEqualTo("/api/v1/chat/completions"))
                .withRequestBody(containing(question))).get(0).getBodyAsString()).path("messages").get(0).path("content").asText();
        assertThat(system.indexOf("COD untuk wilayah")).isPositive().isLessThan(system.indexOf("bergaransi resmi"));
    }

    @Test
    void aFailingEmbeddingsEndpointLeavesAnswersToWordSearchAndIndexingTriesAgain() throws Exception {
        String tag = "mfail" + System.nanoTime();
        // the first batch is refused, the next try succeeds
        stubs.add(server().stubFor(post(urlEqualTo(EMBEDDINGS)).atPriority(3).withRequestBody(containing(tag))
                .inScenario(tag).whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(json(503, "{\"error\":{\"code\":503,\"message\":\"No provider available\"}}"))
                .willSetStateTo("up")));
        stubs.add(server().stubFor(post(urlEqualTo(EMBEDDINGS)).atPriority(3).withRequestBody(containing(tag))
                .inScenario(tag).whenScenarioStateIs("up").willReturn(topics())));
        // a question's embedding is refused (500): the job goes on with word search
        embeddings("qslow-" + tag, 1, json(500, "{\"error\":{\"code\":500,\"message\":\"Internal error\"}}"));
        document("Garansi " + tag, "Semua produk bergaransi resmi satu tahun, klaim garansi lewat toko.");
        awaitKnowledgeIndexed();
        await().atMost(Duration.ofSeconds(20)).until(() -> db.queryForObject(
                "SELECT embed_attempts FROM knowledge_passages WHERE instance = ?", Integer.class, instance) >= 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> db.queryForObject(
                "SELECT count(*) FROM knowledge_passages WHERE instance = ? AND embedding IS NOT NULL", Integer.class, instance) == 1);

        when("qslow-" + tag, completion("Garansi satu tahun.", "openai/gpt-4o", 100, 5, 0));
        long job = postMessage("qslow-" + tag + " garansinya berapa lama?");
        awaitDone(job);
        JsonNode knowledge = JSON.readTree(String.valueOf(job(job).get("output_json"))).path("knowledge");
        assertThat(knowledge.path("meaning_search").asText()).isEqualTo("failed");
        assertThat(knowledge.path("meaning_search_error").asText()).contains("500");
        assertThat(knowledge.path("passages").get(0).path("word_rank").asInt()).isEqualTo(1);
    }

    private long document(String title, String content) throws Exception {
        return ((Number) db.queryForMap("INSERT INTO documents (instance, title, content) VALUES (?, ?, ?) RETURNING id",
                instance, title, content).get("id")).longValue();
    }
}
