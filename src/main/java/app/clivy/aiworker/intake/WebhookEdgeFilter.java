package app.clivy.aiworker.intake;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import app.clivy.aiworker.http.HttpRefusal;
import app.clivy.aiworker.platform.platformhttp.SynchronousPlatformHttp;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The webhook's edge, in front of platform-http and before anything reads the body. In order:
 * <ol>
 * <li>while the {@link IntakeGate} is not open (the routes are not started yet, or the node is
 * shutting down): {@code 503 {"error":"starting"}} / {@code {"error":"shutting_down"}} with
 * {@code Retry-After}, never the 404 a gateway would drop;</li>
 * <li>a {@code Content-Type} not in {@link #ACCEPTED_CONTENT_TYPES}: {@code 415};</li>
 * <li>a body over {@code ai-worker.intake.max-body-bytes}: {@code 413}, from the
 * {@code Content-Length} before reading, or, for a chunked body, as soon as the limit is passed
 * (reading stops there). A body within the limit is handed on in memory, so authentication and
 * parsing never see more than the limit;</li>
 * <li>a post that cannot be authentic whatever its body ({@link WebhookAuthenticator#beforeBody}: no
 * credential header, or no credential at all from a client that is not local): {@code 401}, the
 * body unread.</li>
 * </ol>
 * The body of a POST that passed is read without blocking a thread ({@link BodyReader}: within
 * {@code ai-worker.intake.body-deadline-ms}, else {@code 408}), then goes straight to its started
 * platform-http consumer (the {@code intake} route), on the container thread that read its last
 * byte: Spring MVC's dispatcher and the filters behind this one have nothing to do for it
 * ({@link SynchronousPlatformHttp}); with the route stopped it goes on down the chain (an async
 * dispatch) as any request. Answers are JSON, counted like the route's
 * ({@code ai_worker_webhook_requests_total}); Boot's {@code http_server_requests} leaves the webhook
 * out.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE) // first: before Boot's request observation, security and MVC
public class WebhookEdgeFilter extends OncePerRequestFilter {

    /**
     * The one list of request content types the webhook takes (parameters such as {@code charset}
     * are allowed). A request without a {@code Content-Type} is read as JSON. The body reaches the
     * route as the bytes read here: a form type in this list is parsed from those bytes, since
     * the server's own form parsing ({@code getParameter}) finds the stream already read. The form
     * type is wuzapi's default webhook ({@code jsonData=...}, see {@link WebhookFormBody}).
     */
    public static final List<MediaType> ACCEPTED_CONTENT_TYPES = List.of(MediaType.APPLICATION_JSON,
            MediaType.APPLICATION_FORM_URLENCODED,
            // wuzapi's form for messages with files (#23)
            MediaType.MULTIPART_FORM_DATA);

    static final String PATH = "/webhook/";
    /** the body read for a stopped route, carried into the async dispatch */
    private static final String READ_BODY = WebhookEdgeFilter.class.getName() + ".body";

    private final IntakeGate gate;
    private final int maxBodyBytes;
    private final long bodyDeadlineMs;
    private final ObjectProvider<MeterRegistry> metrics;
    private final ObjectProvider<SynchronousPlatformHttp.Engine> engine;
    private final ObjectProvider<WebhookAuthenticator> authenticator;
    /** the engine, looked up once on the first webhook (the filter is made before the routes) */
    private volatile SynchronousPlatformHttp.Engine routes;

    public WebhookEdgeFilter(IntakeGate gate, IntakeSettings settings, ObjectProvider<MeterRegistry> metrics,
            ObjectProvider<SynchronousPlatformHttp.Engine> engine, ObjectProvider<WebhookAuthenticator> authenticator) {
        this.gate = gate;
        this.authenticator = authenticator;
        this.maxBodyBytes = settings.maxBodyBytes();
        this.bodyDeadlineMs = settings.bodyDeadlineMs();
        this.metrics = metrics;
        this.engine = engine;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith(request.getContextPath() + PATH);
    }

    /** The async dispatch of a body read by {@link BodyReader} for a stopped route comes back here. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            // a body read without a started route (BodyReader.onAllDataRead): down the chain from memory
            Object body = request.getAttribute(READ_BODY);
            request.removeAttribute(READ_BODY);
            chain.doFilter(body instanceof byte[] bytes ? new ReadBody(request, bytes) : request, response);
            return;
        }
        HttpRefusal refusal = gate.refusal();
        if (refusal == null && "POST".equals(request.getMethod())) {
            refusal = unsupportedContentType(request.getContentType());
            if (refusal == null) {
                refusal = tooLarge(request.getContentLengthLong());
            }
            if (refusal == null) {
                // no body is read for a post that cannot be authentic whatever it holds
                WebhookAuthenticator auth = authenticator.getIfAvailable();
                refusal = auth == null ? null : auth.beforeBody(request);
            }
            if (refusal == null) {
                // the body is read without holding a thread: a client that dribbles it costs a connection only
                new BodyReader(request, response).start();
                return;
            }
        }
        if (refusal != null) {
            answer(response, refusal);
            return;
        }
        chain.doFilter(request, response);
    }

    /** The route's started consumer for the request, or null (the route is stopped). */
    private SynchronousPlatformHttp.Consumer consumer(HttpServletRequest request) {
        SynchronousPlatformHttp.Engine routes = this.routes;
        if (routes == null) {
            routes = engine.getIfAvailable();
            this.routes = routes;
        }
        return routes == null ? null
                : routes.consumerFor(request.getMethod(), request.getRequestURI().substring(request.getContextPath().length()));
    }

    private static HttpRefusal unsupportedContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            if (ACCEPTED_CONTENT_TYPES.stream().anyMatch(accepted -> accepted.equalsTypeAndSubtype(type))) {
                return null;
            }
        } catch (InvalidMediaTypeException e) {
            // answered as unsupported below
        }
        return new HttpRefusal(415, "unsupported_media_type", "Content-Type must be "
                + ACCEPTED_CONTENT_TYPES.stream().map(MediaType::toString).collect(Collectors.joining(" or ")));
    }

    private HttpRefusal tooLarge(long contentLength) {
        if (contentLength <= maxBodyBytes) {
            return null;
        }
        return new HttpRefusal(413, "payload_too_large",
                "request body is " + contentLength + " bytes; the limit is " + maxBodyBytes);
    }

    /**
     * Reads one post's body without blocking a thread ({@link ReadListener}): the request thread
     * returns as soon as no byte is waiting, and the container calls back when more arrive. At most
     * {@code max-body-bytes} are collected ({@code 413} as soon as they are passed, reading stops
     * there); the whole body must arrive within {@code body-deadline-ms} (the async timeout; with the
     * size limit also a minimum data rate), else {@code 408} and the connection closed; a client
     * that hangs up, or stalls past {@code server.tomcat.connection-timeout}, gets {@code 400}. A body
     * read whole goes to the route's consumer on the container thread that read its last byte (for a
     * body that came with its headers: the request's own thread, right after this filter returns),
     * then the async request is completed. Exactly one of these ends runs ({@link #done}).
     */
    private final class BodyReader implements ReadListener, AsyncListener {

        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final ByteArrayOutputStream out;
        private final byte[] buffer;
        private final AtomicBoolean done = new AtomicBoolean();
        private AsyncContext async;
        private ServletInputStream in;
        private int total;

        BodyReader(HttpServletRequest request, HttpServletResponse response) {
            this.request = request;
            this.response = response;
            long length = request.getContentLengthLong();
            this.out = new ByteArrayOutputStream(length >= 0 ? (int) length : Math.min(maxBodyBytes, 8192));
            this.buffer = new byte[(int) Math.min(8192, Math.max(length + 1, 1))];
        }

        void start() throws IOException {
            async = request.startAsync(request, response);
            async.setTimeout(bodyDeadlineMs);
            async.addListener(this);
            in = request.getInputStream();
            in.setReadListener(this);
        }

        @Override
        public void onDataAvailable() throws IOException {
            int n;
            while (!done.get() && in.isReady()
                    && (n = in.read(buffer, 0, Math.min(buffer.length, maxBodyBytes + 1 - total))) >= 0) {
                total += n;
                if (total > maxBodyBytes) {
                    // the rest is not read: the answer closes the connection
                    end(new HttpRefusal(413, "payload_too_large",
                            "request body is more than " + maxBodyBytes + " bytes; the limit is " + maxBodyBytes));
                    return;
                }
                out.write(buffer, 0, n);
            }
        }

        @Override
        public void onAllDataRead() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            byte[] body = out.toByteArray();
            SynchronousPlatformHttp.Consumer consumer = consumer(request);
            if (consumer == null) {
                // no started route: the chain runs in an async dispatch, back in doFilterInternal
                request.setAttribute(READ_BODY, body);
                async.dispatch();
                return;
            }
            try {
                consumer.service(new ReadBody(request, body), response);
            } finally {
                async.complete();
            }
        }

        @Override
        public void onError(Throwable failure) {
            // the client hung up or stalled mid-body: never an empty 200, which a gateway takes as stored
            end(HttpRefusal.badRequest("request body could not be read"));
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // a client that dribbles its body would hold the connection: cut it off at the deadline
            end(new HttpRefusal(408, "request_timeout",
                    "the request body took longer than " + bodyDeadlineMs + " ms"));
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onComplete(AsyncEvent event) {
            // nothing to do: every end completes the request itself
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not started again
        }

        /** A refusal, once, and the connection closed after it (the rest of the body is not read). */
        private void end(HttpRefusal refusal) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            try {
                response.setHeader("Connection", "close");
                answerQuietly(response, refusal);
            } finally {
                async.complete();
            }
        }
    }

    private void answer(HttpServletResponse response, HttpRefusal refusal) throws IOException {
        response.setStatus(refusal.getStatus());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        if (refusal.getRetryAfter() != null) {
            response.setHeader("Retry-After", String.valueOf(refusal.getRetryAfter()));
        }
        byte[] json = refusal.getJson().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
        response.flushBuffer();
        // the same counter as JobMetrics.webhookAnswered (the routes' answers), counted here so the
        // edge does not depend on operations
        MeterRegistry registry = metrics.getIfAvailable();
        if (registry != null) {
            Counter.builder("ai_worker_webhook_requests").description("webhook answers by HTTP status")
                    .tag("status", String.valueOf(refusal.getStatus())).register(registry).increment();
        }
    }

    private void answerQuietly(HttpServletResponse response, HttpRefusal refusal) {
        try {
            answer(response, refusal);
        } catch (IOException | IllegalStateException gone) {
            // the client is gone: nobody to answer
        }
    }

    /** The request with its body already read (at most the limit) and served from memory. */
    public static final class ReadBody extends HttpServletRequestWrapper {

        private final byte[] body;

        public ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        /** Decodes strictly, as the server does: a malformed byte sequence fails the read (a 400), never a silent U+FFFD. */
        @Override
        public BufferedReader getReader() throws UnsupportedEncodingException {
            String encoding = getCharacterEncoding();
            Charset charset;
            try {
                charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            } catch (IllegalArgumentException e) {
                throw new UnsupportedEncodingException(encoding);
            }
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }
            };
        }
    }
}
