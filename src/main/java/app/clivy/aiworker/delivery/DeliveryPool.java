package app.clivy.aiworker.delivery;

import app.clivy.aiworker.claim.ClaimSlots;
import app.clivy.aiworker.gateway.GatewaySettings;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * Replies in flight to the gateway: at most {@code ai-worker.gateway.concurrency} POSTs at once
 * (the slots {@code deliverySlots}, on the thread pool profile {@code deliveryPool} of the same
 * size), so replies to different chats go out side by side and a claimed reply never waits in a
 * queue while its lease runs. Replies to one chat go one after another (sql/deliver-claim.sql).
 */
@Configuration
public class DeliveryPool {

    @Bean("deliverySlots")
    public ClaimSlots deliverySlots(GatewaySettings settings, @Lazy ProducerTemplate template) {
        // no lease tokens kept: the shutdown hands back jobs only
        return new ClaimSlots(settings.concurrency(), template, "direct:claim-replies");
    }

    @Bean
    public CamelContextConfiguration deliveryPoolProfile(GatewaySettings settings) {
        return ClaimSlots.threadPool("deliveryPool", settings.concurrency());
    }
}
