package app.clivy.aiworker.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import app.clivy.aiworker.config.JsonMappers;
import app.clivy.aiworker.delivery.GatewayDelivery;
import app.clivy.aiworker.openrouter.OpenRouterSettings;
import app.clivy.aiworker.openrouter.PermanentProviderException;
import app.clivy.aiworker.openrouter.RetryableProviderException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The job's reading of what the customer sent beyond text (routes/13-media.camel.yaml), never on the
 * webhook's thread: the file is fetched from the gateway the message came through (with the
 * instance's send credential), within {@code ai-worker.media.max-bytes} and {@code timeout-ms}; a
 * voice note is transcribed by OpenRouter's speech-to-text; an image goes to a model that takes images
 * as an {@code image_url} part, a PDF as a {@code file} part; what the model cannot be given gets the
 * instance's short reply ({@code ai-worker.media.replies.<kind>}), its reason in the job's output.
 * <p>
 * The file is base64-encoded while it is read, so a 16 MB voice note is on the heap once, as the
 * base64 the request carries. Failures map to the outcome table: a gateway or OpenRouter that is
 * down or slow is retried ({@code media_download}, {@code transcription}), then the job fails with
 * that class; a file that is gone or too large gets an honest reply.
 */
@Component("mediaReader")
public class MediaReader {

    private static final String TRANSCRIPTIONS = "/api/v1/audio/transcriptions";

    private final ObjectMapper json = JsonMappers.create();
    private final MediaSettings settings;
    private final OpenRouterSettings openRouter;
    private final GatewayDelivery gateways;
    private final Environment env;
    private final HttpClient http;

    public MediaReader(MediaSettings settings, OpenRouterSettings openRouter, GatewayDelivery gateways, Environment env) {
        this.settings = settings;
        this.openRouter = openRouter;
        this.gateways = gateways;
        this.env = env;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(Math.min(settings.timeoutMs(), 10_000)))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /**
     * What the job needs of its message's media, or null for a job whose text is all there is.
     *
     * @return {@code reply} (a short answer instead of a model call, with {@code reason}),
     *         {@code transcript} (+ {@code cost}, {@code transcription_model}), or {@code part} (a chat
     *         content part: image or PDF); always {@code kind}
     */
    public Map<String, Object> read(Map<String, Object> job) throws IOException, InterruptedException {
        String raw = String.valueOf(job.get("input_json"));
        if (!raw.contains("\"kind\"")) {
            return null; // a plain text: no parse
        }
        JsonNode input = json.readTree(raw);
        String kind = input.path("kind").asText();
        boolean noText = input.path("no_text").asBoolean(false);
        String instance = String.valueOf(job.get("instance"));
        Map<String, Object> result = new HashMap<>();
        result.put("kind", kind);
        if (input.path("transcribed").asBoolean(false)) {
            // transcribed by an earlier attempt: its text and cost are stored
            result.put("transcript", input.path("text").asText());
            result.put("cost", input.path("transcription_cost").decimalValue());
            result.put("stored", true);
            return result;
        }
        JsonNode media = input.path("media");
        try {
            switch (kind) {
                case "audio" -> {
                    if (!noText) {
                        return null;
                    }
                    Encoded audio = download(instance, input, media, "audio");
                    transcribe(audio, mimetype(media, audio), result);
                }
                case "image" -> {
                    if (!vision(instance)) {
                        // a caption alone is answered as text; a bare image gets the honest reply
                        return noText ? reply(result, instance, "image", "the instance's model takes no images") : null;
                    }
                    Encoded image = download(instance, input, media, "image");
                    ObjectNode part = json.createObjectNode().put("type", "image_url");
                    part.putObject("image_url").put("url", image.dataUrl(mimetype(media, image)));
                    result.put("part", part);
                }
                case "document" -> {
                    String type = mimetype(media, null);
                    if (!type.startsWith("application/pdf")) {
                        return noText ? reply(result, instance, "document", "not a PDF: " + safe(type)) : null;
                    }
                    Encoded pdf = download(instance, input, media, "document");
                    if (pdf.bytes() > settings.maxPdfBytes()) {
                        return reply(result, instance, "too-large", "PDF over ai-worker.media.max-pdf-bytes");
                    }
                    ObjectNode part = json.createObjectNode().put("type", "file");
                    part.putObject("file").put("filename", filename(media))
                            .put("file_data", pdf.dataUrl("application/pdf"));
                    result.put("part", part);
                }
                default -> {
                    // video, sticker, location, contact, a file the gateway did not hand over
                    return noText ? reply(result, instance, kind, "the model cannot be given a " + kind) : null;
                }
            }
        } catch (TooLarge e) {
            return reply(result, instance, "too-large", e.getMessage());
        } catch (Unavailable e) {
            return reply(result, instance, "unsupported", e.getMessage());
        }
        return result;
    }

    /**
     * Transcribes the burst's earlier voice notes (rows of sql/media-burst.sql).
     *
     * @return one {@code {job_id, message_id, transcript, cost}} per voice note read; one that cannot
     *         be fetched is left as it is ({@code [audio]} in the history)
     */
    public List<Map<String, Object>> transcribeEarlier(List<Map<String, Object>> rows) throws IOException, InterruptedException {
        List<Map<String, Object>> done = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            JsonNode input = json.readTree(String.valueOf(row.get("input_json")));
            Map<String, Object> result = new HashMap<>();
            try {
                Encoded audio = download(String.valueOf(row.get("instance")), input, input.path("media"), "audio");
                transcribe(audio, mimetype(input.path("media"), audio), result);
            } catch (TooLarge | Unavailable e) {
                continue;
            }
            result.put("job_id", row.get("job_id"));
            result.put("message_id", row.get("message_id"));
            done.add(result);
        }
        return done;
    }

    /** The job's media variable with the cost of the burst's voice notes it transcribed. */
    public Map<String, Object> withEarlierCost(Map<String, Object> media, List<Map<String, Object>> earlier) {
        BigDecimal cost = BigDecimal.ZERO;
        for (Map<String, Object> e : earlier) {
            cost = cost.add((BigDecimal) e.getOrDefault("cost", BigDecimal.ZERO));
        }
        if (earlier.isEmpty()) {
            return media;
        }
        Map<String, Object> result = media == null ? new HashMap<>(Map.of("kind", "burst")) : new HashMap<>(media);
        result.put("cost", ((BigDecimal) result.getOrDefault("cost", BigDecimal.ZERO)).add(cost));
        return result;
    }

    /** Whether the instance's model takes images: {@code ai-worker.media.instances.<i>.vision}, else {@code vision}. */
    public boolean vision(String instance) {
        return env.getProperty("ai-worker.media.instances." + instance + ".vision", Boolean.class, settings.vision());
    }

    /** The instance's short reply for a kind the model is not given. */
    public String reply(String instance, String kind) {
        String own = env.getProperty("ai-worker.media.instances." + instance + ".replies." + kind, "");
        if (!own.isBlank()) {
            return own;
        }
        return settings.replies().getOrDefault(kind, settings.replies().getOrDefault("unsupported",
                "I couldn't open what you sent. Could you write your question?"));
    }

    /** {@code output_json} of a job answered with a short reply and no model call (the reason kept). */
    public String cannedOutput(Map<String, Object> media) {
        ObjectNode output = json.createObjectNode();
        output.put("reply", String.valueOf(media.get("reply")));
        output.put("model", "");
        output.put("latency_ms", 0);
        output.put("input_tokens", 0);
        output.put("output_tokens", 0);
        output.put("cost", BigDecimal.ZERO);
        output.put("media_kind", String.valueOf(media.get("kind")));
        output.put("reason", String.valueOf(media.get("reason")));
        return output.toString();
    }

    /** The model call's {@code output_json} with the media's cost (a transcription) added to the job's. */
    public String withMediaCost(String output, Map<String, Object> media) throws IOException {
        if (media == null) {
            return output;
        }
        ObjectNode node = (ObjectNode) json.readTree(output);
        node.put("media_kind", String.valueOf(media.get("kind")));
        Object cost = media.get("cost");
        if (cost instanceof BigDecimal extra && extra.signum() != 0) {
            node.put("transcription_cost", extra);
            node.put("cost", node.path("cost").decimalValue().add(extra));
        }
        return node.toString();
    }

    private Map<String, Object> reply(Map<String, Object> result, String instance, String kind, String reason) {
        result.put("reply", reply(instance, kind));
        result.put("reason", reason);
        return result;
    }

    // --- speech to text -------------------------------------------------------------------------

    private void transcribe(Encoded audio, String mimetype, Map<String, Object> result) throws IOException, InterruptedException {
        String model = settings.transcriptionModel();
        byte[] head = ("{\"model\":" + json.writeValueAsString(model) + ",\"input_audio\":{\"format\":\""
                + format(mimetype) + "\",\"data\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(openRouter.baseUrl().replaceAll("/+$", "") + TRANSCRIPTIONS))
                .timeout(Duration.ofMillis(settings.timeoutMs()))
                .header("Authorization", "Bearer " + openRouter.apiKey())
                .header("Content-Type", "application/json")
                // the base64 goes as it is, between the JSON's head and tail: no copy of it
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofByteArray(audio.base64().buffer(), 0, audio.base64().length()),
                        HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        JsonNode answer;
        try (InputStream body = response.body()) {
            answer = readJson(body);
        }
        int status = response.statusCode();
        if (status == 408 || status == 429 || status >= 500) {
            throw new RetryableProviderException("transcription", status, "transcription answered " + status
                    + errorText(answer), retryAfter(response));
        }
        if (status >= 300) {
            throw new PermanentProviderException("transcription", status, "transcription answered " + status + errorText(answer), false);
        }
        String text = answer == null ? "" : answer.path("text").asText("").strip();
        if (text.isEmpty()) {
            throw new RetryableProviderException("transcription", status, "transcription answered no text", 0);
        }
        result.put("transcript", text);
        result.put("cost", answer.path("usage").path("cost").isNumber() ? answer.path("usage").path("cost").decimalValue() : BigDecimal.ZERO);
        result.put("transcription_model", model);
    }

    static String format(String mimetype) {
        String type = mimetype.toLowerCase(Locale.ROOT);
        if (type.contains("mpeg") || type.contains("mp3")) {
            return "mp3";
        }
        if (type.contains("mp4") || type.contains("m4a")) {
            return "m4a";
        }
        for (String f : new String[] {"wav", "flac", "aac", "webm"}) {
            if (type.contains(f)) {
                return f;
            }
        }
        return "ogg"; // WhatsApp's voice notes: audio/ogg; codecs=opus
    }

    // --- fetching the file from the gateway -----------------------------------------------------

    /** The file, as base64 (what every consumer of it takes), at most {@code max-bytes} before encoding. */
    private Encoded download(String instance, JsonNode input, JsonNode media, String kind) throws IOException, InterruptedException {
        // the gateway posted the file with the message (Evolution API's webhook_base64, Evolution GO)
        if (media.path("base64").isTextual()) {
            return Encoded.ofBase64(media.path("base64").asText(), settings.maxBytes());
        }
        String gateway = input.path("gateway").asText();
        String base = gateways.gatewayUrl(instance);
        String token = gateways.gatewayToken(instance);
        if (base.isEmpty()) {
            throw new Unavailable("no gateway URL to fetch the file from");
        }
        return switch (gateway) {
            case "evolution-api" -> {
                String account = input.path("instance").asText(instance);
                ObjectNode body = json.createObjectNode();
                body.putObject("message").set("key", media.path("key"));
                body.put("convertToMp4", false);
                JsonNode answer = json(send(post(base + "/chat/getBase64FromMediaMessage/"
                        + URLEncoder.encode(account, StandardCharsets.UTF_8).replace("+", "%20"), body, "apikey", token)));
                yield base64Field(answer, "base64");
            }
            case "waha" -> {
                // the file's path on the configured WAHA (the URL in the event names WAHA's own idea of its host)
                URI url = URI.create(media.path("url").asText());
                String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
                yield encode(send(get(base + path, "X-Api-Key", token)));
            }
            case "cloud-api" -> {
                String id = media.path("id").asText("");
                if (id.isEmpty()) {
                    throw new Unavailable("the media has no id");
                }
                JsonNode meta = json(send(get(base + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8), "Authorization", "Bearer " + token)));
                if (meta.path("file_size").asLong(0) > settings.maxBytes()) {
                    throw new TooLarge("the file is " + meta.path("file_size").asLong() + " bytes");
                }
                yield encode(send(get(meta.path("url").asText(), "Authorization", "Bearer " + token)));
            }
            case "wuzapi" -> {
                ObjectNode body = json.createObjectNode();
                body.put("Url", media.path("url").asText(media.path("URL").asText("")));
                body.put("DirectPath", media.path("directPath").asText(""));
                body.put("MediaKey", media.path("mediaKey").asText(""));
                body.put("Mimetype", media.path("mimetype").asText(""));
                body.put("FileEncSHA256", media.path("fileEncSHA256").asText(""));
                body.put("FileSHA256", media.path("fileSHA256").asText(""));
                body.put("FileLength", media.path("fileLength").asLong(0));
                String endpoint = "/chat/download" + ("sticker".equals(kind) ? "image" : kind);
                JsonNode answer = json(send(post(base + endpoint, body, env.getProperty("ai-worker.gateway.token-header", "Token"), token)));
                yield base64Field(answer.path("data"), "Data");
            }
            default -> throw new Unavailable(gateway + " did not post the file and has no download the worker knows");
        };
    }

    private HttpRequest get(String url, String header, String value) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(settings.timeoutMs())).GET();
        if (value != null && !value.isBlank() && !value.equals("Bearer ")) {
            b.header(header, value);
        }
        return b.build();
    }

    private HttpRequest post(String url, JsonNode body, String header, String value) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(settings.timeoutMs()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (value != null && !value.isBlank()) {
            b.header(header, value);
        }
        return b.build();
    }

    /** The gateway's answer; a gateway down or slow is retried, a file it no longer has is unavailable. */
    private HttpResponse<InputStream> send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new RetryableProviderException("media_download", 0, "no answer from the gateway within "
                    + settings.timeoutMs() + " ms while fetching the media", 0);
        } catch (IOException e) {
            throw new RetryableProviderException("media_download", 0, "gateway unreachable while fetching the media: "
                    + e.getClass().getSimpleName(), 0);
        }
        int status = response.statusCode();
        if (status == 408 || status == 429 || status >= 500) {
            response.body().close();
            throw new RetryableProviderException("media_download", status, "the gateway answered " + status
                    + " while fetching the media", retryAfter(response));
        }
        if (status >= 300) {
            response.body().close();
            throw new Unavailable("the gateway answered " + status + " for the media");
        }
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (length > settings.maxBytes() * 2) { // a JSON answer carries base64: a third larger
            response.body().close();
            throw new TooLarge("the file is " + length + " bytes");
        }
        return response;
    }

    private JsonNode json(HttpResponse<InputStream> response) throws IOException {
        try (InputStream body = response.body()) {
            JsonNode node = readJson(body);
            if (node == null) {
                throw new Unavailable("the gateway's answer is not JSON");
            }
            return node;
        }
    }

    private JsonNode readJson(InputStream body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private Encoded base64Field(JsonNode answer, String field) {
        String value = answer == null ? "" : answer.path(field).asText("");
        if (value.isEmpty()) {
            throw new Unavailable("the gateway's answer holds no file");
        }
        return Encoded.ofBase64(value, settings.maxBytes());
    }

    /** Reads the file and base64-encodes it as it comes, stopping past {@code max-bytes}. */
    private Encoded encode(HttpResponse<InputStream> response) throws IOException {
        Buffer out = new Buffer();
        long read = 0;
        try (InputStream in = response.body(); OutputStream b64 = Base64.getEncoder().wrap(out)) {
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = in.read(chunk)) > 0; ) {
                read += n;
                if (read > settings.maxBytes()) {
                    throw new TooLarge("the file is over " + settings.maxBytes() + " bytes");
                }
                b64.write(chunk, 0, n);
            }
        }
        return new Encoded(out, read, response.headers().firstValue("Content-Type").orElse(null));
    }

    private static long retryAfter(HttpResponse<?> response) {
        try {
            return Long.parseLong(response.headers().firstValue("Retry-After").orElse("0").strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String errorText(JsonNode answer) {
        String message = answer == null ? "" : answer.path("error").path("message").asText("");
        return message.isEmpty() ? "" : ": " + safe(message);
    }

    private static String mimetype(JsonNode media, Encoded file) {
        String type = media.path("mimetype").asText(media.path("mime_type").asText(media.path("Mimetype").asText("")));
        if (type.isEmpty() && file != null && file.contentType() != null) {
            type = file.contentType();
        }
        return type.isEmpty() ? "application/octet-stream" : type;
    }

    private static String filename(JsonNode media) {
        String name = media.path("fileName").asText(media.path("filename").asText(""));
        return name.isBlank() ? "document.pdf" : safe(name);
    }

    private static String safe(String s) {
        String flat = s.replaceAll("[\\p{Cntrl}]", " ");
        return flat.length() > 120 ? flat.substring(0, 120) + "…" : flat;
    }

    /** A ByteArrayOutputStream whose buffer is handed on without a copy. */
    static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(64 * 1024);
        }

        Buffer(byte[] bytes) {
            super(0);
            this.buf = bytes;
            this.count = bytes.length;
        }

        byte[] buffer() {
            return buf;
        }

        int length() {
            return count;
        }
    }

    /** A file as base64; {@code bytes} its size before encoding. */
    record Encoded(Buffer base64, long bytes, String contentType) {

        /** base64 a gateway handed over (a data URL's prefix dropped), within the limit. */
        static Encoded ofBase64(String value, long maxBytes) {
            int comma = value.startsWith("data:") ? value.indexOf(',') : -1;
            String type = comma < 0 ? null : value.substring(5, value.indexOf(';') > 0 ? value.indexOf(';') : comma);
            String data = comma < 0 ? value : value.substring(comma + 1);
            long bytes = data.length() / 4L * 3;
            if (bytes > maxBytes) {
                throw new TooLarge("the file is about " + bytes + " bytes");
            }
            return new Encoded(new Buffer(data.getBytes(StandardCharsets.US_ASCII)), bytes, type);
        }

        String dataUrl(String mimetype) {
            String type = mimetype.split(";")[0].strip();
            return "data:" + type + ";base64," + new String(base64.buffer(), 0, base64.length(), StandardCharsets.US_ASCII);
        }
    }

    /** The file is over the limit: an honest reply, not a failure. */
    static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    /** The gateway no longer has the file, or never handed it over: an honest reply. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
