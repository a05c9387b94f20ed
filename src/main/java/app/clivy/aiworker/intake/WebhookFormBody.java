package app.clivy.aiworker.intake;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A form post to the webhook (wuzapi's default: {@code jsonData=...}) keeps its raw bytes. The
 * servlet container would parse the form into parameters (which platform-http copies into headers,
 * the gateway's {@code token} field with them) and the raw body, which wuzapi's
 * {@code x-hmac-signature} signs, would be gone. This filter reads the body first (at most
 * max-body-bytes + 1), keeps it as a request attribute and hides the parameters;
 * {@link #restore} puts it back as the message body.
 */
@Configuration(proxyBeanMethods = false)
public class WebhookFormBody {

    static final String RAW_BODY = WebhookFormBody.class.getName() + ".raw";
    /** What the rest of the chain reads of a form post: nothing (the raw bytes are in the attribute). */
    private static final java.util.function.Supplier<jakarta.servlet.ServletInputStream> EMPTY = () -> new jakarta.servlet.ServletInputStream() {
        @Override
        public int read() {
            return -1;
        }

        @Override
        public boolean isFinished() {
            return true;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(jakarta.servlet.ReadListener listener) {
            throw new UnsupportedOperationException("synchronous reads only");
        }
    };

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> webhookFormBodyFilter(@Value("${ai-worker.intake.max-body-bytes:65536}") int maxBodyBytes) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                String type = request.getContentType();
                if (!"POST".equals(request.getMethod()) || type == null
                        || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                    chain.doFilter(request, response);
                    return;
                }
                byte[] raw;
                try (InputStream in = request.getInputStream()) {
                    raw = in.readNBytes(maxBodyBytes + 1);
                }
                request.setAttribute(RAW_BODY, raw);
                chain.doFilter(new HttpServletRequestWrapper(request) {
                    @Override
                    public jakarta.servlet.ServletInputStream getInputStream() {
                        return EMPTY.get();
                    }

                    @Override
                    public java.io.BufferedReader getReader() {
                        return new java.io.BufferedReader(new java.io.StringReader(""));
                    }

                    @Override
                    public String getParameter(String name) {
                        return null;
                    }

                    @Override
                    public Map<String, String[]> getParameterMap() {
                        return Map.of();
                    }

                    @Override
                    public Enumeration<String> getParameterNames() {
                        return Collections.emptyEnumeration();
                    }

                    @Override
                    public String[] getParameterValues(String name) {
                        return null;
                    }
                }, response);
            }
        });
        registration.addUrlPatterns("/webhook/ai", "/webhook/ai/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.setName("webhookFormBody");
        return registration;
    }

    /** The intake route's step: the raw bytes of a form post become the body again. */
    public void restore(Exchange exchange) {
        if (exchange.getIn() instanceof PlatformHttpMessage http && http.getRequest() != null
                && http.getRequest().getAttribute(RAW_BODY) instanceof byte[] raw) {
            exchange.getIn().setBody(raw);
        }
    }
}
