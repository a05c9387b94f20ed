package app.clivy.aiworker.agent;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.http.HttpRefusal;
import app.clivy.aiworker.instances.InstanceSettingsCache;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.stereotype.Component;

/**
 * Opening hours per instance (docs/agent.md, "Opening hours"): a weekly schedule in a time zone
 * ({@link OpeningSchedule}) and what the AI does outside it: {@code answer} (the after-hours prompt
 * added to the system prompt), {@code message} (one after-hours message per chat per closed period,
 * then silence; sql/agent-after-hours-message.sql) or {@code silent}. A hand-over outside the schedule
 * says when humans are back. {@code {opens}} in the texts is the next opening time in the schedule's
 * zone ({@code Mon 2026-12-07 08:00 WIB}). The time is the {@link Clock} bean's; the instance's own
 * values are its {@code agent} settings (instance_settings.agent, admin API), else the defaults of
 * {@code ai-worker.agent.opening-hours.*}.
 */
@Component("openingHours")
public class OpeningHours {

    /** The fields of an instance's {@code agent} settings object for opening hours (admin API). */
    public static final List<String> FIELDS = List.of("opening_hours", "time_zone", "after_hours", "after_hours_prompt",
            "after_hours_message", "after_hours_handover");
    static final List<String> MODES = List.of("answer", "message", "silent");
    static final DateTimeFormatter OPENS = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm z", Locale.ROOT);

    private final ObjectMapper json = JsonMappers.create();
    private final AgentSettings.OpeningHoursDefaults defaults;
    private final InstanceSettingsCache instances;
    private final Clock clock;
    private final Map<String, OpeningSchedule> schedules = new ConcurrentHashMap<>();

    public OpeningHours(AgentSettings settings, InstanceSettingsCache instances, Clock clock) {
        this.defaults = settings.openingHours();
        this.instances = instances;
        this.clock = clock;
        try {
            OpeningSchedule.parse(defaults.schedule());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("ai-worker.agent.opening-hours.schedule: " + e.getMessage());
        }
        try {
            ZoneId.of(defaults.timeZone());
        } catch (DateTimeException e) {
            throw new IllegalStateException("ai-worker.agent.opening-hours.time-zone must be an IANA time zone such as Asia/Jakarta, not "
                    + defaults.timeZone());
        }
    }

    /**
     * Where the instance is now: {@code {open: true}}, or {@code {open: false, mode, closed_since,
     * opens_at, opens}} ({@code closed_since} identifies the closed period: the end of the last opening).
     */
    public Map<String, Object> state(String instance) {
        JsonNode own = own(instance);
        OpeningSchedule schedule = schedule(own);
        Map<String, Object> state = new LinkedHashMap<>();
        if (schedule.alwaysOpen()) {
            state.put("open", true);
            return state;
        }
        ZoneId zone = zone(own);
        OpeningSchedule.State at = schedule.at(clock.instant(), zone);
        state.put("open", at.open());
        if (!at.open()) {
            state.put("mode", text(own, "after_hours", defaults.afterHours()));
            state.put("closed_since", at.closedSince() == null ? null : at.closedSince().toOffsetDateTime().toString());
            state.put("opens_at", at.opensAt() == null ? null : at.opensAt().toOffsetDateTime().toString());
            state.put("opens", at.opensAt() == null ? "" : OPENS.format(at.opensAt()));
        }
        return state;
    }

    /** Mode {@code answer} outside the schedule: the chat request with the after-hours prompt added to its system prompt. */
    public String withAfterHoursPrompt(String request, String instance, Map<String, Object> hours) throws Exception {
        if (closed(hours) == null || !"answer".equals(hours.get("mode"))) {
            return request;
        }
        String prompt = opens(text(own(instance), "after_hours_prompt", defaults.afterHoursPrompt()), hours);
        ObjectNode body = (ObjectNode) json.readTree(request);
        for (JsonNode message : body.path("messages")) {
            if ("system".equals(message.path("role").asText()) && message.path("content").isTextual()) {
                ((ObjectNode) message).put("content", message.path("content").asText() + "\n\n" + prompt);
                return body.toString();
            }
        }
        ObjectNode system = json.createObjectNode().put("role", "system").put("content", prompt);
        body.withArray("messages").insert(0, system);
        return body.toString();
    }

    /**
     * The job's {@code output_json} after the model answered: outside the schedule {@code after_hours:
     * {mode, closed_since, opens_at}} is added, and a hand-over's reply says when humans are back.
     */
    public String afterAnswer(String instance, String output, Map<String, Object> hours) throws Exception {
        if (closed(hours) == null) {
            return output;
        }
        ObjectNode out = (ObjectNode) json.readTree(output);
        out.set("after_hours", recorded(hours));
        if (out.has("handover") && out.path("reply").isTextual()) {
            out.put("reply", withOpening(instance, out.path("reply").asText(), hours));
        }
        return out.toString();
    }

    /** A hand-over message (the failed-jobs hand-over): outside the schedule, with when humans are back. */
    public String handoverMessage(String instance, String message) {
        Map<String, Object> hours = state(instance);
        return closed(hours) == null ? message : withOpening(instance, message, hours);
    }

    /** Mode {@code message}: the after-hours message, {@code {opens}} filled in. */
    public String afterHoursMessage(String instance, Map<String, Object> hours) {
        return opens(text(own(instance), "after_hours_message", defaults.afterHoursMessage()), hours);
    }

    /** The {@code output_json} of a job answered by the after-hours message (no call: no model, tokens or cost). */
    public String messageOutput(String message, Map<String, Object> hours) {
        ObjectNode out = json.createObjectNode();
        out.put("reply", message);
        out.set("after_hours", recorded(hours));
        out.put("latency_ms", 0);
        out.put("input_tokens", 0);
        out.put("output_tokens", 0);
        return out.toString();
    }

    /**
     * Mode {@code message}: the {@code output_json} of a job of a chat told already in this closed
     * period (done, no reply, no call).
     */
    public String silentOutput(Map<String, Object> hours) {
        ObjectNode out = json.createObjectNode();
        out.put("skipped", "after_hours");
        out.put("message", closedUntil(hours) + "; the after-hours message was sent already in this closed period");
        out.set("after_hours", recorded(hours));
        return out.toString();
    }

    /** Why a job outside the schedule got no answer, for output_json.message and the log. */
    public String closedUntil(Map<String, Object> hours) {
        return "outside opening hours until " + hours.get("opens");
    }

    private ObjectNode recorded(Map<String, Object> hours) {
        ObjectNode node = json.createObjectNode();
        node.put("mode", String.valueOf(hours.get("mode")));
        node.put("closed_since", (String) hours.get("closed_since"));
        node.put("opens_at", (String) hours.get("opens_at"));
        return node;
    }

    private String withOpening(String instance, String message, Map<String, Object> hours) {
        return message + " " + opens(text(own(instance), "after_hours_handover", defaults.afterHoursHandover()), hours);
    }

    private static Map<String, Object> closed(Map<String, Object> hours) {
        return hours == null || Boolean.TRUE.equals(hours.get("open")) ? null : hours;
    }

    private static String opens(String template, Map<String, Object> hours) {
        return template.replace("{opens}", String.valueOf(hours.get("opens")));
    }

    private OpeningSchedule schedule(JsonNode own) {
        String text = own.path("opening_hours").isTextual() ? own.path("opening_hours").asText() : defaults.schedule();
        try {
            return schedules.computeIfAbsent(text == null ? "" : text, OpeningSchedule::parse);
        } catch (IllegalArgumentException e) {
            // checked when stored (check below): only a row written by hand gets here
            return schedules.computeIfAbsent(defaults.schedule() == null ? "" : defaults.schedule(), OpeningSchedule::parse);
        }
    }

    private ZoneId zone(JsonNode own) {
        try {
            return ZoneId.of(text(own, "time_zone", defaults.timeZone()));
        } catch (DateTimeException e) {
            return ZoneId.of(defaults.timeZone());
        }
    }

    private static String text(JsonNode own, String field, String fallback) {
        JsonNode value = own.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : fallback;
    }

    private JsonNode own(String instance) {
        return instances.agentSettings(instance);
    }

    /** Checks one opening-hours field of an instance's {@code agent} settings (admin API): 400 naming it. */
    public static void check(String name, JsonNode value) {
        if (value.isNull()) {
            return;
        }
        switch (name) {
            case "opening_hours" -> {
                if (!value.isTextual()) {
                    throw HttpRefusal.badRequest("agent.opening_hours must be a weekly schedule such as \""
                            + OpeningSchedule.EXAMPLE + "\" (empty = always open)");
                }
                try {
                    OpeningSchedule.parse(value.asText());
                } catch (IllegalArgumentException e) {
                    throw HttpRefusal.badRequest("agent.opening_hours: " + e.getMessage());
                }
            }
            case "time_zone" -> {
                boolean valid = value.isTextual() && value.asText().length() <= 64;
                if (valid) {
                    try {
                        ZoneId.of(value.asText());
                    } catch (DateTimeException e) {
                        valid = false;
                    }
                }
                if (!valid) {
                    throw HttpRefusal.badRequest("agent.time_zone must be an IANA time zone such as Asia/Jakarta");
                }
            }
            case "after_hours" -> {
                if (!value.isTextual() || !MODES.contains(value.asText())) {
                    throw HttpRefusal.badRequest("agent.after_hours must be one of " + String.join(", ", MODES));
                }
            }
            default -> {
                if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 2000) {
                    throw HttpRefusal.badRequest("agent." + name + " must be a text of 1 to 2000 characters");
                }
            }
        }
    }
}
