package app.clivy.aiworker.gateway;

import java.util.Map;

import app.clivy.aiworker.http.HttpRefusal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which instance a wuzapi post belongs to when it names none: its token or its userID, mapped in the gateway settings. */
class WuzapiInstanceTest {

    private final Wuzapi wuzapi = new Wuzapi("/chat/send/text", "Token", "Phone", "Body", new GatewayInstances(Map.of(
            "shop-a", Map.of("token", "user-token-of-shop-a"),
            "shop-b", Map.of("token", "user-token-of-shop-b", "wuzapi-user-id", "u-77"))));

    private static JsonNode event(String extra) throws Exception {
        return new ObjectMapper().readTree("""
                {%s"type":"Message","event":{"Info":{"ID":"w-1","Chat":"628@s.whatsapp.net","Sender":"628@s.whatsapp.net",
                  "IsFromMe":false,"IsGroup":false},"Message":{"conversation":"hi"}}}""".formatted(extra));
    }

    @Test
    void theInstanceNameWinsThenTheTokenThenTheUserIdThenTheUserIdItself() throws Exception {
        assertThat(wuzapi.read(event(""), Map.of("instanceName", "named", "token", "user-token-of-shop-a")).get(0).instance())
                .isEqualTo("named");
        assertThat(wuzapi.read(event(""), Map.of("token", "user-token-of-shop-a")).get(0).instance()).isEqualTo("shop-a");
        assertThat(wuzapi.read(event("\"userID\":\"u-77\","), Map.of()).get(0).instance()).isEqualTo("shop-b");
        assertThat(wuzapi.read(event("\"userID\":\"u-unknown\","), Map.of("token", "a-token-nobody-has")).get(0).instance())
                .isEqualTo("u-unknown");
    }

    @Test
    void aPostThatNamesNoInstanceInAnyWayIs400() {
        assertThatThrownBy(() -> wuzapi.read(event(""), Map.of("token", "a-token-nobody-has")))
                .isInstanceOf(HttpRefusal.class).hasMessageContaining("instanceName is missing");
    }
}
