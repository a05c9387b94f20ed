package app.clivy.aiworker.operations;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import app.clivy.aiworker.intake.WebhookEdgeFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The admin API's body limit ({@code ai-worker.admin.max-body-bytes}): a larger body is answered
 * {@code 413} from its {@code Content-Length} before it is read, or, sent chunked, as soon as the
 * limit is passed; a body within the limit is handed on in memory. Runs after Spring Security (no
 * order of its own), so an unauthenticated caller gets its 401 with nothing read.
 */
@Component
public class ApiBodyLimitFilter extends OncePerRequestFilter {

    private final int maxBodyBytes;
    // PDF documents of the knowledge base: an upload of application/pdf has its own, larger limit
    private static final java.util.regex.Pattern DOCUMENT_UPLOAD = java.util.regex.Pattern.compile("/api/instances/[^/]+/documents");
    private final int maxPdfBytes;

    public ApiBodyLimitFilter(AdminSettings settings, app.clivy.aiworker.knowledge.KnowledgeSettings knowledge) {
        this.maxBodyBytes = settings.maxBodyBytes();
        this.maxPdfBytes = knowledge.maxPdfBytes();
    }

    /** Whether the request uploads a PDF document (limit ai-worker.knowledge.max-pdf-bytes, not max-body-bytes). */
    private static boolean pdfUpload(HttpServletRequest request) {
        String type = request.getContentType();
        return "POST".equals(request.getMethod()) && type != null && type.toLowerCase().startsWith("application/pdf")
                && DOCUMENT_UPLOAD.matcher(request.getRequestURI().substring(request.getContextPath().length())).matches();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String method = request.getMethod();
        return !request.getRequestURI().startsWith(request.getContextPath() + "/api/")
                || "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean pdf = pdfUpload(request);
        int maxBodyBytes = pdf ? maxPdfBytes : this.maxBodyBytes;
        if (request.getContentLengthLong() > maxBodyBytes) {
            tooLarge(response, maxBodyBytes);
            return;
        }
        byte[] body = readWithin(request.getInputStream(), maxBodyBytes);
        if (body == null) {
            tooLarge(response, maxBodyBytes);
            return;
        }
        // PDF documents: Camel's platform-http reads every body through getReader(); a PDF is bytes, so it
        // is handed on decoded as ISO-8859-1 (one char per byte, nothing lost) and KnowledgeApi encodes it back
        HttpServletRequest source = pdf ? latin1(request) : request;
        chain.doFilter(new WebhookEdgeFilter.ReadBody(source, body), response);
    }

    private static HttpServletRequest latin1(HttpServletRequest request) {
        return new jakarta.servlet.http.HttpServletRequestWrapper(request) {
            @Override
            public String getCharacterEncoding() {
                return StandardCharsets.ISO_8859_1.name();
            }
        };
    }

    private byte[] readWithin(InputStream in, int maxBodyBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBodyBytes, 8192));
        byte[] buffer = new byte[8192];
        int total = 0;
        int n;
        while ((n = in.read(buffer, 0, Math.min(buffer.length, maxBodyBytes + 1 - total))) > 0) {
            total += n;
            if (total > maxBodyBytes) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private void tooLarge(HttpServletResponse response, int maxBodyBytes) throws IOException {
        response.setStatus(413);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        byte[] json = ("{\"error\":\"payload_too_large\",\"message\":\"the request body is larger than " + maxBodyBytes
                + " bytes\"}").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(json.length);
        response.setHeader("Connection", "close");
        response.getOutputStream().write(json);
        response.flushBuffer();
    }
}
