package app.clivy.aiworker.support;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of the JVM (root logger): while open (try-with-resources), or per test
 * when registered with {@code @RegisterExtension}.
 */
public final class LogCapture implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (appender.list) {
            appender.list.clear();
        }
        if (!appender.isStarted()) {
            appender.start();
        }
        root.addAppender(appender);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    /**
     * Attaches again, keeping what was captured: Spring Boot's logging set-up at the start of an
     * application detaches and stops the root logger's appenders (call it from an
     * ApplicationPreparedEvent listener).
     */
    public void reattach() {
        if (!appender.isStarted()) {
            appender.start();
        }
        root.addAppender(appender);
    }

    /** Every formatted message, in order. */
    public List<String> lines() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    public boolean contains(String text) {
        return lines().stream().anyMatch(l -> l.contains(text));
    }

    /** The formatted messages of one logger, in order. */
    public List<String> lines(String loggerName) {
        return events().stream().filter(e -> e.getLoggerName().equals(loggerName)).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The messages of one logger at one level. */
    public List<String> lines(String loggerName, Level level) {
        return events().stream().filter(e -> e.getLoggerName().equals(loggerName) && e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Every event as text, with its throwable's messages: for checks that something is never logged. */
    public String everything() {
        StringBuilder all = new StringBuilder();
        for (ILoggingEvent e : events()) {
            all.append(e.getFormattedMessage()).append('\n');
            for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                all.append(t.getMessage()).append('\n');
            }
        }
        return all.toString();
    }

    public List<ILoggingEvent> events() {
        synchronized (appender.list) {
            return List.copyOf(appender.list);
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
