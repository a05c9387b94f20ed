package app.clivy.aiworker.operations;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Failed operator logins are throttled per client address and per account: after
 * {@value #MAX_FAILURES_PER_CLIENT} failures from one address (or {@value #MAX_FAILURES_PER_ACCOUNT}
 * for one user name, from anywhere) within {@value #WINDOW_MINUTES} minutes, every further login
 * attempt from that address (for that account) is answered {@code 429} with {@code Retry-After},
 * the password not even checked, until the window has passed. A successful login clears the
 * client's count. In memory, per node. Placed in front of the form login and HTTP Basic by
 * {@link ConsoleSecurity}.
 */
@Component
public class LoginThrottle {

    private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
    static final int MAX_FAILURES_PER_CLIENT = 10;
    static final int MAX_FAILURES_PER_ACCOUNT = 30;
    static final int WINDOW_MINUTES = 15;

    private final Cache<String, AtomicInteger> failures = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(WINDOW_MINUTES))
            .executor(Runnable::run)
            .build();

    @EventListener
    public void failed(AbstractAuthenticationFailureEvent event) {
        String client = client(event.getAuthentication().getDetails());
        if (client != null) {
            count("client:" + client);
        }
        count("account:" + event.getAuthentication().getName());
    }

    @EventListener
    public void succeeded(AuthenticationSuccessEvent event) {
        String client = client(event.getAuthentication().getDetails());
        if (client != null) {
            failures.invalidate("client:" + client);
        }
    }

    private void count(String key) {
        int n = failures.get(key, k -> new AtomicInteger()).incrementAndGet();
        if (n == (key.startsWith("client:") ? MAX_FAILURES_PER_CLIENT : MAX_FAILURES_PER_ACCOUNT)) {
            LOG.warn("🔒 Operator logins throttled for {} minutes after {} failures ({})", WINDOW_MINUTES, n,
                    key.startsWith("client:") ? "one client address" : "one account");
        }
    }

    /** Whether a login attempt from {@code client} for {@code account} (null = not known yet) is refused now. */
    boolean throttled(String client, String account) {
        AtomicInteger byClient = failures.getIfPresent("client:" + client);
        if (byClient != null && byClient.get() >= MAX_FAILURES_PER_CLIENT) {
            return true;
        }
        AtomicInteger byAccount = account == null ? null : failures.getIfPresent("account:" + account);
        return byAccount != null && byAccount.get() >= MAX_FAILURES_PER_ACCOUNT;
    }

    private static String client(Object details) {
        return details instanceof WebAuthenticationDetails web ? web.getRemoteAddress() : null;
    }

    /** The filter in front of the login: a throttled attempt gets 429 without its password being checked. */
    OncePerRequestFilter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String account = loginAccount(request);
                if (account != null && throttled(request.getRemoteAddr(), account)) {
                    response.setStatus(429);
                    response.setHeader("Retry-After", String.valueOf(WINDOW_MINUTES * 60));
                    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                    response.getOutputStream().write(("{\"error\":\"too_many_failed_logins\",\"message\":\"too many failed logins; "
                            + "try again later\"}").getBytes(StandardCharsets.UTF_8));
                    return;
                }
                chain.doFilter(request, response);
            }
        };
    }

    /** The account a request tries to log in as (HTTP Basic, or the login form), or null for none. */
    private static String loginAccount(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                return "";
            }
        }
        if ("POST".equals(request.getMethod()) && (request.getContextPath() + "/login").equals(request.getRequestURI())) {
            String user = request.getParameter("username");
            return user == null ? "" : user;
        }
        return null;
    }
}
