package app.clivy.aiworker.intake;

import java.io.IOException;
import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.springframework.stereotype.Component;

/**
 * A form post to the webhook (wuzapi's default: {@code jsonData=...&instanceName=...&token=...})
 * reaches the route with its raw bytes as the body, which is what wuzapi's {@code x-hmac-signature}
 * signs and what the parser reads. platform-http would otherwise hand the route the server's
 * parameter map; {@link WebhookEdgeFilter} has already read the body (the server's own form parsing
 * then finds no parameters, so the form's {@code token} field never becomes a header), and its
 * request serves those bytes again.
 */
@Component("webhookFormBody")
public class WebhookFormBody {

    static final String FORM = "application/x-www-form-urlencoded";

    /** The intake route's step: for a form post, the body is the request's raw bytes. */
    public void restore(Exchange exchange) throws IOException {
        if (exchange.getIn() instanceof PlatformHttpMessage http && http.getRequest() != null
                && isForm(http.getRequest().getContentType())) {
            exchange.getIn().setBody(http.getRequest().getInputStream().readAllBytes());
        }
    }

    /** A form post's Content-Type (with or without a charset). */
    static boolean isForm(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(FORM);
    }
}
