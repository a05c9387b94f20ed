package app.clivy.aiworker.knowledge;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code ai-worker.knowledge.*}: passages, retrieval and the prompt's knowledge budget; defaults in application.yaml. */
@Validated
@ConfigurationProperties("ai-worker.knowledge")
public record KnowledgeSettings(
        @Min(0) int budgetChars,
        @Min(50) int passageTargetChars,
        @Min(100) int passageMaxChars,
        @Min(1) int candidates,
        @Min(1) int rrfK,
        @NotNull String fillerWords,
        @Min(50) long indexIntervalMs,
        @Min(1) int indexBatch,
        @Min(0) long cacheRefreshMs,
        @NotNull String embeddingModel,
        @Min(0) int embeddingDimensions,
        @Min(1) int embeddingBatch,
        @Min(1) long embeddingTimeoutMs,
        @Min(1) long embeddingRetrySeconds,
        // PDF documents: the largest PDF upload (413 beyond)
        @Min(1) int maxPdfBytes,
        // bulk import: the most documents one import takes (400 beyond)
        @Min(1) int importMaxDocuments) {
}
