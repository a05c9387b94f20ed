package app.clivy.aiworker.agent;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The time opening hours are read at (agent/OpeningHours): the system clock in UTC; tests set their own. */
@Configuration(proxyBeanMethods = false)
public class AgentClock {

    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }
}
