package app.clivy.aiworker.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import app.clivy.aiworker.platform.sql.PsqlStatements;
import app.clivy.aiworker.support.BundleTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every statement the routes name with {@code sql:ref:} runs as it is in the real {@code psql}
 * after {@code \set}, against the bundle's embedded database, in a transaction rolled back: an
 * operator can try the worker's statements by hand, and the text values go through psql's own
 * quoting ({@code :'errorMsg'} with a quote inside).
 */
class PsqlRunnableStatementsTest extends BundleTest {

    /** A value for each variable the statements use, as an operator would {@code \set} it. */
    private static final Map<String, String> VALUES = new LinkedHashMap<>();

    static {
        VALUES.put("id", "0");
        VALUES.put("lease_token", "0");
        VALUES.put("nodeId", "node-by-hand");
        VALUES.put("leaseSeconds", "60");
        VALUES.put("slots", "0");
        VALUES.put("output", "{\"reply\": \"it's done\"}");
        VALUES.put("deliveryStatus", "off");
        VALUES.put("errorClass", "network");
        VALUES.put("errorMsg", "it's down");
        VALUES.put("delaySeconds", "30");
        VALUES.put("smallerContext", "5");
        // 22y: the knowledge indexing and the admin / knowledge API statements
        VALUES.put("indexBatch", "10");
        VALUES.put("index_lease_token", "0");
        VALUES.put("passages", "[{\"ordinal\": 0, \"text\": \"it's a passage\"}]");
        VALUES.put("fillerWords", "the a it's");
        VALUES.put("embeddingModel", "model/by-hand");
        VALUES.put("embeddingTimeoutMs", "30000");
        VALUES.put("embeddingBatch", "16");
        VALUES.put("vectorsJson", "[{\"id\": 0, \"vector\": [0.5, 0.25]}]");
        VALUES.put("token", "0");
        VALUES.put("cost", "0.001");
        VALUES.put("embedError", "it's down");
        VALUES.put("embeddingRetrySeconds", "60");
        VALUES.put("jobId", "0");
        VALUES.put("documentId", "0");
        VALUES.put("status", "done");
        VALUES.put("limit", "50");
        VALUES.put("instance", "instance-by-hand");
        VALUES.put("title", "it's a title");
        VALUES.put("content", "it's the content");
        VALUES.put("replace", "true");
        VALUES.put("settings", "{\"model\": \"model/by-hand\", \"quiet_ms\": 0}");
        VALUES.put("chat", "chat-by-hand");
        VALUES.put("minutes", "30");
        VALUES.put("question", "what's open today");
        VALUES.put("vectors", "true");
        VALUES.put("documents", "[{\"title\": \"it's a title\", \"content\": \"it's the content\"}]");
        // 22z: the statements of the job's run (04-run-job, 05-context, 13-media, 14-agent)
        VALUES.put("instance", "shop-by-hand");
        VALUES.put("chat", "chat-by-hand");
        VALUES.put("transcript", "it's a voice note");
        VALUES.put("cost", "0.0012");
        VALUES.put("job_id", "0");
        VALUES.put("message_id", "0");
        VALUES.put("context_messages", "20");
        VALUES.put("question", "what's the price?");
        VALUES.put("fillerWords", "ya dong kak");
        VALUES.put("keyword", "opt_out");
        VALUES.put("handoverMinutes", "30");
        VALUES.put("failures", "3");
        VALUES.put("minutes", "30");
        VALUES.put("message", "we're back at 08:00");
        VALUES.put("closedSince", "2026-01-01T18:00:00+07:00");
        VALUES.put("silentOutput", "{\"skipped\": \"after_hours\"}");
        // 22x: intake, credits, instance gate, delivery, number health, operations
        VALUES.put("instance", "instance-by-hand");
        VALUES.put("takenAt", "2026-01-01T00:00:00Z");
        VALUES.put("source", "credits");
        VALUES.put("total", "10.5");
        VALUES.put("balance", "NULL");
        VALUES.put("totalUsage", "2");
        VALUES.put("usageToday", "NULL");
        VALUES.put("ratePerDay", "0.25");
        VALUES.put("level", "OK");
        VALUES.put("delivery_lease_token", "0");
        VALUES.put("gatewayReplyId", "gateway-id-by-hand");
        VALUES.put("partsJson", "[\"first part\", \"it's the second\"]");
        VALUES.put("partNumber", "1");
        VALUES.put("delayMs", "1500");
        VALUES.put("deliveryError", "it's restricted");
        VALUES.put("pauseSeconds", "600");
        VALUES.put("pauseReason", "spam_rate_limit");
        VALUES.put("change", "edit");
        VALUES.put("text", "it's the new text");
        VALUES.put("target", "gateway-message-by-hand");
        VALUES.put("gatewayMessageId", "gateway-message-by-hand");
        VALUES.put("chat", "chat-by-hand");
        VALUES.put("echoMinutes", "10");
        VALUES.put("handoffMinutes", "30");
        VALUES.put("sender", "sender-by-hand");
        VALUES.put("pushName", "Pat O'Hand");
        VALUES.put("gateway", "wuzapi");
        VALUES.put("gatewayAccount", "account-by-hand");
        VALUES.put("replyTo", "reply-to-by-hand");
        VALUES.put("sentAt", "2026-01-01T00:00:00Z");
        VALUES.put("jobId", "0");
    }

    private static final Pattern REF = Pattern.compile("sql:ref:sql/([\\w-]+\\.sql)");

    @Value("${ai-worker.db.host}")
    String host;
    @Value("${ai-worker.db.port}")
    int dbPort;
    @Value("${ai-worker.db.name}")
    String name;
    @Value("${ai-worker.db.user}")
    String user;
    @Value("${ai-worker.db.password}")
    String password;

    @Test
    void everyStatementTheRoutesNameByReferenceRunsInPsqlWithSetVariables() throws Exception {
        Set<String> files = referencedFiles();
        assertThat(files).as("statements named with sql:ref:").contains("claim-jobs.sql", "job-done.sql", "job-retry.sql");
        for (String file : files) {
            String statement = Files.readString(Path.of("src/main/resources/sql", file));
            assertThat(VALUES.keySet()).as(file + "'s variables have values here")
                    .containsAll(PsqlStatements.parameters(statement));
            StringBuilder script = new StringBuilder("BEGIN;\n");
            VALUES.forEach((variable, value) -> script.append("\\set ").append(variable).append(" '")
                    .append(value.replace("\\", "\\\\").replace("'", "\\'")).append("'\n"));
            script.append(statement).append("\n;\nROLLBACK;\n");
            Result result = psql(script.toString());
            assertThat(result.exit()).as(file + ":\n" + result.output()).isZero();
            assertThat(result.output()).as(file).doesNotContain("ERROR").contains("ROLLBACK");
        }
    }

    @Test
    void psqlQuotesATextVariableAndInsertsANumberAsItIs() throws Exception {
        Result result = psql("\\set errorMsg 'it''s down'\n\\set id 42\nSELECT :'errorMsg' || '|' || (:id + 1);\n");
        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("it's down|43");
    }

    private static Set<String> referencedFiles() throws IOException {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.toList()) {
                REF.matcher(Files.readString(route)).results().forEach(m -> files.add(m.group(1)));
            }
        }
        return files;
    }

    private record Result(int exit, String output) {
    }

    private Result psql(String script) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("psql", "-X", "-v", "ON_ERROR_STOP=1",
                "-h", host, "-p", String.valueOf(dbPort), "-U", user, "-d", name).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", password);
        Process process = builder.start();
        process.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
