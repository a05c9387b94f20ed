package app.clivy.aiworker.operations;

import java.security.SecureRandom;
import java.util.Base64;

import jakarta.servlet.DispatcherType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;

/**
 * Who may see what. Open: the webhook (it has its own authentication), the demo stand-in, health
 * and Prometheus. Behind the operator login ({@code AI_WORKER_ADMIN_USER} /
 * {@code AI_WORKER_ADMIN_PASSWORD}): Hawtio, Jolokia, the admin API, the other actuator endpoints.
 * With no password configured the console stays locked (a random password, never logged).
 */
@Configuration
public class ConsoleSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurity.class);

    /**
     * The webhook (its own authentication), health and Prometheus skip the security filter chain
     * entirely: they are open anyway, and the chain's dozen filters cost more than the webhook's
     * own work on every message.
     */
    @Bean
    public WebSecurityCustomizer openPaths() {
        return web -> web.ignoring().requestMatchers("/webhook/**", "/actuator/health", "/actuator/health/**",
                "/actuator/prometheus");
    }

    @Bean
    public SecurityFilterChain filterChain(HttpSecurity http) throws Exception {
        CsrfTokenRequestAttributeHandler spaHandler = new CsrfTokenRequestAttributeHandler();
        spaHandler.setCsrfRequestAttributeName(null); // Hawtio sends the cookie's raw token back
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers("/webhook/**", "/demo/**", "/actuator/health", "/actuator/health/**",
                                "/actuator/info", "/actuator/prometheus", "/error").permitAll()
                        // Hawtio's Jolokia calls reach /actuator/jolokia as forwards of requests
                        // that were already authenticated
                        .dispatcherTypeMatchers(DispatcherType.FORWARD).permitAll()
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .httpBasic(Customizer.withDefaults())
                // machine clients (gateways, API scripts) send no CSRF token; Hawtio sends the
                // XSRF-TOKEN cookie's value back in a header with each Jolokia POST
                .csrf(csrf -> csrf
                        .ignoringRequestMatchers("/webhook/**", "/demo/**", "/api/**")
                        .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(spaHandler));
        return http.build();
    }

    @Bean
    public UserDetailsService operators(AdminSettings admin) {
        String user = admin.user();
        String password = admin.password();
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        String effective = password;
        if (password == null || password.isBlank()) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            effective = Base64.getEncoder().encodeToString(random);
            LOG.warn("🔒 Hawtio, Jolokia and /api are locked: set AI_WORKER_ADMIN_PASSWORD to log in as {}", user);
        }
        return new InMemoryUserDetailsManager(User.withUsername(user).password(encoder.encode(effective))
                .roles("admin", "viewer").build());
    }
}
