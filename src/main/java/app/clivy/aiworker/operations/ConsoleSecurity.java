package app.clivy.aiworker.operations;

import java.security.SecureRandom;
import java.util.Base64;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may see what (docs/security.md). Open, inside the filter chain ({@code permitAll}, so the
 * security headers and the firewall apply): the webhook (it has its own authentication), the demo
 * stand-in, health (its status only; details for the operator) and Prometheus. Behind the operator
 * login ({@code AI_WORKER_ADMIN_USER} / {@code AI_WORKER_ADMIN_PASSWORD}): Hawtio, Jolokia, the admin
 * API, the other actuator endpoints. With no password configured the console stays locked (a random
 * password, never logged).
 * <ul>
 * <li>{@code /api/**} is stateless: HTTP Basic on every request, no session is read or made, so a
 * cross-site request carrying the console's session cookie is not authenticated there;</li>
 * <li>the console (Hawtio, Jolokia) works on a session whose cookie is {@code SameSite=Strict}; every
 * POST carries the CSRF token (Hawtio sends the {@code XSRF-TOKEN} cookie's value back); a GET to
 * Jolokia may only read (version, read, list, search), never exec or write; what Jolokia may execute
 * at all is {@code jolokia-access.xml};</li>
 * <li>failed logins are throttled per client address and account ({@link LoginThrottle}).</li>
 * </ul>
 */
@Configuration
public class ConsoleSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurity.class);

    static final String[] OPEN = {"/webhook/**", "/demo/**", "/actuator/health", "/actuator/health/**", "/actuator/info",
            "/actuator/prometheus", "/error"};

    /** The admin API: HTTP Basic on each request, no session, so there is no cookie for a cross-site request to ride. */
    @Bean
    @Order(1)
    public SecurityFilterChain adminApiFilterChain(HttpSecurity http, LoginThrottle throttle) throws Exception {
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(context -> context.securityContextRepository(new RequestAttributeSecurityContextRepository()))
                .requestCache(cache -> cache.disable())
                // no cookie authenticates /api: a forged cross-site request has no credential to carry
                .csrf(csrf -> csrf.disable())
                .addFilterBefore(throttle.filter(), BasicAuthenticationFilter.class);
        return http.build();
    }

    @Bean
    @Order(2)
    public SecurityFilterChain consoleFilterChain(HttpSecurity http, LoginThrottle throttle) throws Exception {
        CsrfTokenRequestAttributeHandler spaHandler = new CsrfTokenRequestAttributeHandler();
        spaHandler.setCsrfRequestAttributeName(null); // Hawtio sends the cookie's raw token back
        CookieCsrfTokenRepository tokens = CookieCsrfTokenRepository.withHttpOnlyFalse();
        tokens.setCookieCustomizer(cookie -> cookie.sameSite("Strict"));
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers(OPEN).permitAll()
                        // a GET to Jolokia reads; exec and write only by POST, with the CSRF token
                        .requestMatchers(ConsoleSecurity::jolokiaGetThatIsNotARead).denyAll()
                        // Hawtio's Jolokia calls reach /actuator/jolokia as forwards of requests
                        // that were already authenticated
                        .dispatcherTypeMatchers(DispatcherType.FORWARD).permitAll()
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .httpBasic(Customizer.withDefaults())
                .addFilterBefore(throttle.filter(), UsernamePasswordAuthenticationFilter.class)
                // machine clients (gateways) send no CSRF token; Hawtio sends the XSRF-TOKEN
                // cookie's value back in a header with each Jolokia POST
                .csrf(csrf -> csrf
                        .ignoringRequestMatchers("/webhook/**", "/demo/**")
                        .csrfTokenRepository(tokens)
                        .csrfTokenRequestHandler(spaHandler));
        return http.build();
    }

    /** A GET to Jolokia that is not version/read/list/search (exec, write, or a {@code p=} path override). */
    static boolean jolokiaGetThatIsNotARead(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod())) {
            return false;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        int at = path.indexOf("/jolokia");
        if (at < 0 || !path.startsWith("/actuator/")) {
            return false;
        }
        String rest = path.substring(at + "/jolokia".length());
        if (request.getParameter("p") != null) {
            return true;
        }
        return !(rest.isEmpty() || rest.equals("/") || rest.startsWith("/version") || rest.startsWith("/read/")
                || rest.startsWith("/list") || rest.startsWith("/search/"));
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
