package app.clivy.aiworker.delivery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A value from a webhook that reaches a gateway URL can never leave the send path it belongs to. */
class GatewayPathTest {

    @Test
    void onlyPlainPathsAreSent() {
        assertThat(GatewayDelivery.safePath("/106540352242922/messages")).isTrue();
        assertThat(GatewayDelivery.safePath("/message/sendText/shop%20jakarta")).isTrue();
        assertThat(GatewayDelivery.safePath("/chat/send/text")).isTrue();
        for (String hostile : new String[] {"/../../v9/evil?x=/messages", "/a/../b", "/./x", "/x?y=1", "/x#f", "/%2e%2e/x",
                "/a%2fb", "/a b", "//evil.example/x", "x", "", null}) {
            assertThat(GatewayDelivery.safePath(hostile)).as(String.valueOf(hostile)).isFalse();
        }
    }
}
