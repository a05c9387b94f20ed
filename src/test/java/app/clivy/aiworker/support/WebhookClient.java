package app.clivy.aiworker.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Posts to the running bundle over real HTTP. */
public final class WebhookClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String management;

    public WebhookClient(int port) {
        this(port, port);
    }

    /** Paths under {@code /actuator/} go to {@code managementPort} (management.server.port), the rest to {@code port}. */
    public WebhookClient(int port, int managementPort) {
        this.base = "http://localhost:" + port;
        this.management = "http://localhost:" + managementPort;
    }

    /** The URL of {@code path}: on the management port for the actuator's paths. */
    public URI uri(String path) {
        return URI.create((path.startsWith("/actuator") ? management : base) + path);
    }

    public HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> postBytes(String path, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A gateway "Message" event with an extendedTextMessage, as whatsmeow-style gateways post it. */
    public static String textEvent(String instance, String messageId, String sender, String text) {
        return """
                {"event":"Message","instanceName":"%s","data":{
                  "Info":{"ID":"%s","Sender":"%s","Chat":"%s","IsFromMe":false,"IsGroup":false,"PushName":"Budi"},
                  "Message":{"extendedTextMessage":{"text":%s}}}}
                """.formatted(instance, messageId, sender, sender, quote(text));
    }

    /** A message written from the business phone (IsFromMe): a human agent, or the echo of our own reply. */
    public static String fromMeEvent(String instance, String messageId, String chat, String text) {
        return """
                {"event":"Message","instanceName":"%s","data":{
                  "Info":{"ID":"%s","Sender":"6281100000000@s.whatsapp.net","Chat":"%s","IsFromMe":true,"IsGroup":false},
                  "Message":{"conversation":%s}}}
                """.formatted(instance, messageId, chat, quote(text));
    }

    public static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }
}
