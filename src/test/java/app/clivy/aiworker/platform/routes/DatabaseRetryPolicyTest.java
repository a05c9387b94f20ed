package app.clivy.aiworker.platform.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import app.clivy.aiworker.support.LogCapture;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.dao.DataAccessResourceFailureException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route configuration {@code database-unavailable-lease} (routes/00-errors.camel.yaml) with its
 * policy: many units retrying at once during an outage, as run-job's slots do, each written once
 * the database is back, and no line of Camel's error handler at INFO or above while they wait.
 * <p>
 * Camel's error handler writes each retry line (DEBUG) through one CamelLogger per route, whose
 * {@code log(message, level)} sets the shared level for the call and puts it back: two retries at
 * the same moment can print one of them at the handler's ERROR level. Once such a race leaves the
 * level at DEBUG it cannot happen again in that route, so each round is a new context, and a
 * race is rare: the test also counts every request to that logger, at any level (a TurboFilter
 * sees them before the level check). The policy does not log retries, so there are none.
 */
class DatabaseRetryPolicyTest {

    private static final int ROUNDS = 3;
    private static final String HANDLER_LOGGER = "org.apache.camel.processor.errorhandler.DefaultErrorHandler";
    private static final int UNITS = 500;
    private static final int THREADS = 64;
    private static final int FAILURES_PER_UNIT = 10;

    @RegisterExtension
    final LogCapture logs = new LogCapture();

    /** The units' threads: the redeliveries run on them, and only their log requests count (other
     * tests' contexts in this JVM log through the same logger names). */
    private static final String UNIT_THREAD = "retry-unit-";
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS,
            r -> new Thread(r, UNIT_THREAD + threadNumber.incrementAndGet()));
    private final AtomicInteger handlerLogRequests = new AtomicInteger();
    private final TurboFilter handlerLogCounter = new TurboFilter() {
        @Override
        public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
            if (HANDLER_LOGGER.equals(logger.getName()) && Thread.currentThread().getName().startsWith(UNIT_THREAD)) {
                handlerLogRequests.incrementAndGet();
            }
            return FilterReply.NEUTRAL;
        }
    };

    @BeforeEach
    void countHandlerLogRequests() {
        handlerLogCounter.start();
        loggerContext().addTurboFilter(handlerLogCounter);
    }

    @AfterEach
    void stop() {
        loggerContext().getTurboFilterList().remove(handlerLogCounter);
        threads.shutdownNow();
    }

    private static LoggerContext loggerContext() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }

    @Test
    void manyUnitsRetryingAtOnceAreEachWrittenOnceAndLogNothingFromCamelsErrorHandler() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            Map<Integer, AtomicInteger> triesByUnit = new ConcurrentHashMap<>();
            AtomicInteger written = new AtomicInteger();
            // a write that finds the database gone for its first tries, then goes through
            Processor write = exchange -> {
                int unit = exchange.getMessage().getBody(Integer.class);
                if (triesByUnit.computeIfAbsent(unit, u -> new AtomicInteger()).incrementAndGet() <= FAILURES_PER_UNIT) {
                    throw new DataAccessResourceFailureException("PreparedStatementCallback; FATAL: terminating connection due to administrator command");
                }
                written.incrementAndGet();
            };
            try (CamelContext camel = unitRoute(write)) {
                ProducerTemplate template = camel.createProducerTemplate();
                List<Future<?>> sent = new ArrayList<>();
                for (int unit = 0; unit < UNITS; unit++) {
                    int body = unit;
                    sent.add(threads.submit(() -> template.sendBody("direct:unit", body)));
                }
                for (Future<?> f : sent) {
                    f.get();
                }
            }
            assertThat(written.get()).as("units written").isEqualTo(UNITS);
            assertThat(triesByUnit.values()).allSatisfy(tries -> assertThat(tries.get()).isEqualTo(FAILURES_PER_UNIT + 1));
            assertThat(logs.events()).as("round %d", round)
                    .filteredOn(e -> e.getLoggerName().equals(HANDLER_LOGGER) && e.getThreadName().startsWith(UNIT_THREAD)
                            && e.getLevel().isGreaterOrEqual(Level.INFO))
                    .extracting(e -> e.getLevel() + " " + e.getFormattedMessage().lines().findFirst().orElse(""))
                    .isEmpty();
        }
        assertThat(handlerLogRequests.get()).as("requests to Camel's error handler logger, at any level").isZero();
    }

    /** A route under the shipped clause and policy (1 ms between tries instead of 1 s, 2 s, 4 s ...), writing with {@code write}. */
    private static CamelContext unitRoute(Processor write) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("databaseRetryPolicy",
                new DatabaseRetryPolicy().databaseRetryPolicy(new DatabaseRetrySettings(FAILURES_PER_UNIT + 1, 1, 1)));
        camel.getRegistry().bind("write", write);
        PluginHelper.getRoutesLoader(camel).loadRoutes(
                ResourceHelper.resolveMandatoryResource(camel, "file:routes/00-errors.camel.yaml"),
                ResourceHelper.fromString("unit.camel.yaml", """
                        - route:
                            id: unit
                            routeConfigurationId: database-unavailable-lease
                            from:
                              uri: direct:unit
                              steps:
                                - setVariable:
                                    name: stage
                                    simple: "Job #${body}"
                                - process:
                                    ref: write
                        """));
        camel.start();
        return camel;
    }
}
