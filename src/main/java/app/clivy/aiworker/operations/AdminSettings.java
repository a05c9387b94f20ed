package app.clivy.aiworker.operations;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code ai-worker.admin.*}: the operator login; an empty password locks the console. */
@Validated
@ConfigurationProperties("ai-worker.admin")
public record AdminSettings(@NotBlank String user, @NotNull String password,
                            // secure by default (docs/security.md): the admin API's largest body
                            @Min(1) int maxBodyBytes) {

    @Override
    public String toString() {
        return "AdminSettings[user=" + user + ", maxBodyBytes=" + maxBodyBytes + "]";
    }
}
