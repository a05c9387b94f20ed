package app.clivy.aiworker.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * The WhatsApp gateways' send APIs at their HTTP boundary: by default wuzapi's {@code POST
 * /chat/send/text} with a {@code Token} header; {@link #sendAt} and the {@code ...Sent} answers for
 * the other gateways (Evolution GO, Evolution API, WAHA, Meta's Cloud API) with their own answer
 * shapes. Stubs match a marker in the request body (a word of the reply), so every test decides how
 * "its" replies are answered.
 */
public final class FakeGateway {

    public static final String SEND = "/chat/send/text";
    public static final String TOKEN = "gw-test-token-0123456789";
    private static final LazyWireMockServer SERVER = new LazyWireMockServer(32);

    private FakeGateway() {
    }

    public static WireMockServer server() {
        return SERVER.get();
    }

    public static String baseUrl() {
        return SERVER.baseUrl();
    }

    public static MappingBuilder send(String marker) {
        return send("", marker);
    }

    /** A send under a path prefix: a second gateway on the same fake. */
    public static MappingBuilder send(String prefix, String marker) {
        return post(urlEqualTo(prefix + SEND)).withRequestBody(containing(marker));
    }

    /** A send at another gateway's path ({@code /send/text}, {@code /api/sendText}, ...). */
    public static MappingBuilder sendAt(String path, String marker) {
        return post(urlEqualTo(path)).withRequestBody(containing(marker));
    }

    /** Evolution GO's answer to {@code /send/text}: the sent message's whatsmeow info under {@code data}. */
    public static ResponseDefinitionBuilder evolutionGoSent(String gatewayId) {
        return json(200, """
                {"message":"success","data":{"Info":{"ID":"%s","IsFromMe":true,"Timestamp":"2026-11-29T11:00:00Z"}}}
                """.formatted(gatewayId));
    }

    /** Evolution API's answer to {@code /message/sendText/{instance}}: the Baileys message with its key. */
    public static ResponseDefinitionBuilder evolutionApiSent(String gatewayId) {
        return json(201, """
                {"key":{"remoteJid":"628123456789@s.whatsapp.net","fromMe":true,"id":"%s"},
                 "message":{"extendedTextMessage":{"text":"..."}},"messageTimestamp":"1764414000","status":"PENDING"}
                """.formatted(gatewayId));
    }

    /** WAHA's answer to {@code /api/sendText} (WEBJS engine): the message with its serialized id. */
    public static ResponseDefinitionBuilder wahaSent(String gatewayId) {
        return json(201, """
                {"id":{"fromMe":true,"remote":"628123456789@c.us","id":"3EB0X","_serialized":"%s"},"body":"...","fromMe":true}
                """.formatted(gatewayId));
    }

    /** Meta's answer to {@code /{phone_number_id}/messages}. */
    public static ResponseDefinitionBuilder cloudApiSent(String gatewayId) {
        return json(200, """
                {"messaging_product":"whatsapp","contacts":[{"input":"16505551234","wa_id":"16505551234"}],"messages":[{"id":"%s"}]}
                """.formatted(gatewayId));
    }

    /** The answer of a wuzapi-style gateway: {@code {"code":200,"data":{"Id":...},"success":true}}. */
    public static ResponseDefinitionBuilder sent(String gatewayId) {
        return json(200, """
                {"code":200,"data":{"Details":"Sent","Id":"%s","Timestamp":"2026-11-29T11:00:00Z"},"success":true}
                """.formatted(gatewayId));
    }

    public static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** The gateway is down: the connection is dropped without an answer. */
    public static ResponseDefinitionBuilder down() {
        return aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
    }
}
