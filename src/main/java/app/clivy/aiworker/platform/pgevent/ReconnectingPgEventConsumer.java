package app.clivy.aiworker.platform.pgevent;

import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.impossibl.postgres.api.jdbc.PGConnection;
import com.impossibl.postgres.api.jdbc.PGNotificationListener;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.pgevent.PgEventConstants;
import org.apache.camel.component.pgevent.PgEventEndpoint;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on one channel over one connection. When the connection drops it retries every
 * {@code reconnectDelay} until one attempt succeeds, then stops retrying: exactly one listening
 * connection per consumer. After a reconnect it emits one exchange with the body
 * {@value #RECONNECTED}, because notifications sent while disconnected are lost.
 */
public class ReconnectingPgEventConsumer extends DefaultConsumer implements PGNotificationListener {

    public static final String RECONNECTED = "reconnected";
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectingPgEventConsumer.class);

    private final PgEventEndpoint endpoint;
    private final Object lock = new Object();
    private PGConnection connection;
    private ScheduledExecutorService reconnectTimer;
    private ScheduledFuture<?> reconnecting;
    private ExecutorService workers;
    private volatile boolean stopping;

    public ReconnectingPgEventConsumer(PgEventEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        if (!endpoint.getChannel().matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
            throw new IllegalArgumentException("Invalid channel name: " + endpoint.getChannel());
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        stopping = false;
        var executors = endpoint.getCamelContext().getExecutorServiceManager();
        workers = executors.newThreadPool(this, "PgEventWorker[" + endpoint.getChannel() + "]", 1, 4);
        reconnectTimer = executors.newSingleThreadScheduledExecutor(this, "PgEventReconnect");
        try {
            connect();
        } catch (Exception e) {
            // the database may come later: keep trying instead of failing the route
            LOG.warn("🔌 Cannot LISTEN on {} yet ({}); retrying every {} ms", endpoint.getChannel(), e.getMessage(),
                    endpoint.getReconnectDelay());
            scheduleReconnect();
        }
    }

    @Override
    protected void doStop() throws Exception {
        stopping = true;
        synchronized (lock) {
            if (reconnecting != null) {
                reconnecting.cancel(false);
                reconnecting = null;
            }
            closeQuietly();
        }
        var executors = endpoint.getCamelContext().getExecutorServiceManager();
        executors.shutdown(reconnectTimer);
        executors.shutdownGraceful(workers, 10_000);
        super.doStop();
    }

    /** True while a listening connection is open. */
    public boolean isListening() {
        synchronized (lock) {
            try {
                return connection != null && !connection.isClosed();
            } catch (java.sql.SQLException e) {
                return false;
            }
        }
    }

    private void connect() throws Exception {
        synchronized (lock) {
            closeQuietly();
            PGConnection c = endpoint.initJdbc();
            try (Statement listen = c.createStatement()) {
                listen.execute("LISTEN " + endpoint.getChannel());
            }
            c.addNotificationListener(endpoint.getChannel(), endpoint.getChannel(), this);
            connection = c;
        }
        LOG.info("👂 Listening for AI job notifications... (channel {})", endpoint.getChannel());
    }

    private void scheduleReconnect() {
        synchronized (lock) {
            if (stopping || (reconnecting != null && !reconnecting.isDone())) {
                return;
            }
            long delay = endpoint.getReconnectDelay();
            reconnecting = reconnectTimer.scheduleWithFixedDelay(this::tryReconnect, delay, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void tryReconnect() {
        if (stopping || !isRunAllowed()) {
            return;
        }
        try {
            connect();
        } catch (Exception e) {
            LOG.debug("Reconnect to {} failed: {}", endpoint.getChannel(), e.getMessage());
            return;
        }
        synchronized (lock) {
            // success: this is the fix, the task ends here instead of reconnecting forever
            if (reconnecting != null) {
                reconnecting.cancel(false);
                reconnecting = null;
            }
        }
        dispatch(RECONNECTED);
    }

    private void closeQuietly() {
        if (connection == null) {
            return;
        }
        PGConnection c = connection;
        connection = null;
        try {
            c.removeNotificationListener(this);
            c.close();
        } catch (Exception e) {
            LOG.trace("closing the listener connection", e);
        }
    }

    @Override
    public void notification(int processId, String channel, String payload) {
        dispatch(payload);
    }

    @Override
    public void closed() {
        if (stopping || !isRunAllowed()) {
            return;
        }
        LOG.warn("🔌 Lost the connection listening on {}; reconnecting every {} ms", endpoint.getChannel(),
                endpoint.getReconnectDelay());
        scheduleReconnect();
    }

    private void dispatch(String payload) {
        if (workers == null || workers.isShutdown()) {
            return;
        }
        Exchange exchange = createExchange(true);
        exchange.getMessage().setHeader(PgEventConstants.HEADER_CHANNEL, endpoint.getChannel());
        exchange.getMessage().setBody(payload);
        workers.submit(() -> {
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("Error handling notification on " + endpoint.getChannel(),
                        exchange, exchange.getException());
            }
        });
    }
}
