package app.clivy.aiworker.media;

import java.util.Map;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code ai-worker.media.*}: message kinds beyond text; defaults in application.yaml. Per instance
 * ({@code instances.<instance>.vision}, {@code instances.<instance>.replies.<kind>}) through
 * {@link MediaReader#vision} and {@link MediaReader#reply}.
 */
@Validated
@ConfigurationProperties("ai-worker.media")
public record MediaSettings(
        @Min(1) long maxBytes,
        @Min(1) long timeoutMs,
        @NotBlank String transcriptionModel,
        boolean vision,
        @Min(1) long maxPdfBytes,
        @NotNull Map<String, String> replies) {
}
