package app.clivy.aiworker.gateway;

import java.util.List;

import app.clivy.aiworker.delivery.GatewayDelivery;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gateway type settings are checked at start-up: a typo stops the start, naming the setting and the choices. */
class GatewayTypeSettingTest {

    private final Gateways gateways = new Gateways(List.of(new EvolutionGo(), new Wuzapi("/chat/send/text", "Token", "Phone", "Body"),
            new EvolutionApi(), new Waha(), new CloudApi()));

    private GatewayDelivery delivery(MockEnvironment env, String type) {
        return new GatewayDelivery(env, gateways, new GatewaySettings("http://gw", "t", type, "/chat/send/text", "Token", "Phone", "Body",
                1000, 2000, 16, 5, 100, 1000, new GatewaySettings.Breaker(5, 30), new GatewaySettings.WuzapiKeys(""),
                new GatewaySettings.CloudApiKeys("", "")));
    }

    @Test
    void aWrongDefaultOrInstanceTypeStopsTheStart() {
        assertThatThrownBy(() -> delivery(new MockEnvironment(), "wuzzapi"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ai-worker.gateway.type = wuzzapi is not one of auto, cloud-api, evolution-api, evolution-go, waha, wuzapi");
        MockEnvironment env = new MockEnvironment().withProperty("ai-worker.gateway.instances.shop-1.type", "meta");
        assertThatThrownBy(() -> delivery(env, "auto")).hasMessageStartingWith("ai-worker.gateway.instances.shop-1.type = meta is not one of");
    }

    @Test
    void autoFollowsTheMessagesGatewayAndAnInstanceTypeWins() {
        MockEnvironment env = new MockEnvironment().withProperty("ai-worker.gateway.instances.shop-1.type", "waha");
        GatewayDelivery delivery = delivery(env, "auto");
        assertThat(delivery.dialect("shop-2", "cloud-api").name()).isEqualTo("cloud-api");
        assertThat(delivery.dialect("shop-2", null).name()).isEqualTo("wuzapi");
        assertThat(delivery.dialect("shop-1", "cloud-api").name()).isEqualTo("waha");
        assertThat(delivery(new MockEnvironment(), "evolution-go").dialect("shop-2", "waha").name()).isEqualTo("evolution-go");
    }
}
