package app.clivy.aiworker.agent;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code ai-worker.agent.*}: how the AI behaves in a chat (docs/agent.md); defaults in
 * application.yaml.
 *
 * @param whatsappFormat Markdown in a reply turned into WhatsApp's formatting before it is sent
 * @param maxPartChars   a reply longer than this is sent as several messages (cut on paragraphs, then
 *                       sentences); the gateway's own limit (Meta's 4,096) applies whatever this says
 * @param partPauseMs    the pause between two parts of one reply
 * @param structuredAnswers the model is asked for a structured answer: a reply, or a hand-over to humans
 *                       with a reason (a model without structured output answers plainly: taken as the reply)
 * @param handoverMessage what the customer is told when the chat is handed over
 * @param handoverAfterFailedJobs the chat is handed over after this many failed jobs in a row (0 = never)
 * @param optOutWords    a customer message that is one of these silences the AI for that contact
 * @param startWords     when not empty, the AI answers a chat only after one of these
 * @param optInWords     words that turn the AI on again after an opt-out (besides the start words)
 * @param optOutMessage  the confirmation of an opt-out, sent once
 * @param optInMessage   the confirmation of a contact's return after an opt-out
 * @param openingHours   opening hours: the weekly schedule, its time zone and what happens outside it
 * @param readAndTyping  the customer's messages marked read and "typing..." shown at the gateway before the
 *                       model works (agent/ChatSignals); an instance's {@code agent.read_and_typing} wins
 * @param signalTimeoutMs the longest wait for one read or typing call (it never holds the job up)
 */
@Validated
@ConfigurationProperties("ai-worker.agent")
public record AgentSettings(boolean whatsappFormat,
                            @Min(100) @Max(65536) int maxPartChars,
                            @Min(0) @Max(60000) long partPauseMs,
                            boolean structuredAnswers,
                            @jakarta.validation.constraints.NotBlank String handoverMessage,
                            @Min(0) int handoverAfterFailedJobs,
                            java.util.List<String> optOutWords,
                            java.util.List<String> startWords,
                            java.util.List<String> optInWords,
                            @jakarta.validation.constraints.NotBlank String optOutMessage,
                            @jakarta.validation.constraints.NotBlank String optInMessage,
                            // opening hours (agent/OpeningHours)
                            @jakarta.validation.Valid @jakarta.validation.constraints.NotNull OpeningHoursDefaults openingHours,
                            // read and typing signals before the model call (#25, 25b)
                            boolean readAndTyping,
                            @Min(100) @Max(60000) long signalTimeoutMs) {

    public AgentSettings {
        optOutWords = optOutWords == null ? java.util.List.of() : java.util.List.copyOf(optOutWords);
        startWords = startWords == null ? java.util.List.of() : java.util.List.copyOf(startWords);
        optInWords = optInWords == null ? java.util.List.of() : java.util.List.copyOf(optInWords);
    }

    /**
     * {@code ai-worker.agent.opening-hours.*}: opening hours (docs/agent.md, "Opening hours"); an
     * instance's own {@code agent} settings win.
     *
     * @param schedule          the weekly schedule, such as {@code mon-fri 08:00-17:00, sat 09:00-13:00}; a range
     *                          may cross midnight ({@code fri 20:00-02:00}); empty = always open
     * @param timeZone          the schedule's time zone, an IANA id such as Asia/Jakarta
     * @param afterHours        what the AI does outside the schedule: answer (with the after-hours prompt added to the
     *                          system prompt), message (the after-hours message once per chat per closed period, then
     *                          silence) or silent (no answer)
     * @param afterHoursPrompt  added to the system prompt outside the schedule in mode answer; {opens} is the next
     *                          opening time
     * @param afterHoursMessage the customer's one message per closed period in mode message; {opens} is the next
     *                          opening time
     * @param afterHoursHandover added to the hand-over message outside the schedule; {opens} is when humans are back
     */
    public record OpeningHoursDefaults(String schedule,
                                       @jakarta.validation.constraints.NotBlank String timeZone,
                                       @jakarta.validation.constraints.Pattern(regexp = "answer|message|silent") String afterHours,
                                       @jakarta.validation.constraints.NotBlank String afterHoursPrompt,
                                       @jakarta.validation.constraints.NotBlank String afterHoursMessage,
                                       @jakarta.validation.constraints.NotBlank String afterHoursHandover) {
    }
}
