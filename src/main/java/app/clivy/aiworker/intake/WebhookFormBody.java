package app.clivy.aiworker.intake;

import java.io.IOException;
import java.util.Locale;

import app.clivy.aiworker.http.HttpRefusal;
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
    static final String MULTIPART = "multipart/form-data";

    /** The intake route's step: for a form post, the body is the request's raw bytes. */
    public void restore(Exchange exchange) throws IOException {
        if (exchange.getIn() instanceof PlatformHttpMessage http && http.getRequest() != null
                && (isForm(http.getRequest().getContentType()) || isMultipart(http.getRequest().getContentType()))) {
            exchange.getIn().setBody(http.getRequest().getInputStream().readAllBytes());
        }
    }

    /** A multipart form post's Content-Type (wuzapi's form for files; with its boundary). */
    static boolean isMultipart(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(MULTIPART);
    }

    /**
     * The text fields of a {@code multipart/form-data} body (file parts are left out: the media is
     * fetched from the gateway in the job). A body that is not valid multipart is a 400.
     */
    static java.util.Map<String, String> multipartFields(byte[] body, String contentType) {
        String boundary = null;
        for (String param : contentType.split(";")) {
            String p = param.strip();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                boundary = p.substring("boundary=".length()).replace("\"", "");
            }
        }
        if (boundary == null || boundary.isEmpty()) {
            throw HttpRefusal.badRequest("multipart/form-data without a boundary");
        }
        String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1); // byte for byte
        String delimiter = "--" + boundary;
        java.util.Map<String, String> fields = new java.util.HashMap<>();
        int at = text.indexOf(delimiter);
        if (at < 0) {
            throw HttpRefusal.badRequest("multipart/form-data body without its boundary");
        }
        while (true) {
            int start = at + delimiter.length();
            if (text.startsWith("--", start)) {
                break; // the closing delimiter
            }
            int next = text.indexOf("\r\n" + delimiter, start);
            if (next < 0) {
                throw HttpRefusal.badRequest("multipart/form-data part without its closing boundary");
            }
            String part = text.substring(start, next);
            int headersEnd = part.indexOf("\r\n\r\n");
            if (headersEnd >= 0) {
                String headers = part.substring(0, headersEnd).toLowerCase(Locale.ROOT);
                String rawHeaders = part.substring(0, headersEnd);
                java.util.regex.Matcher name = java.util.regex.Pattern.compile("name=\"([^\"]*)\"").matcher(rawHeaders);
                if (name.find() && !headers.contains("filename=")) {
                    String value = part.substring(headersEnd + 4);
                    fields.putIfAbsent(name.group(1), new String(value.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                            java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            at = next + 2;
        }
        return fields;
    }

    /** A form post's Content-Type (with or without a charset). */
    static boolean isForm(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(FORM);
    }
}
