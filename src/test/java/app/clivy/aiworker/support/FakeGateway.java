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
 * A whatsmeow-style WhatsApp gateway at its HTTP boundary: {@code POST /chat/send/text} with a
 * {@code Token} header. Stubs match a marker in the request body (a word of the reply), so every
 * test decides how "its" replies are answered.
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
