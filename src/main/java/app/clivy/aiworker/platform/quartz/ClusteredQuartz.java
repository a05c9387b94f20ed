package app.clivy.aiworker.platform.quartz;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.quartz.QuartzConstants;
import org.apache.camel.spi.ComponentCustomizer;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SchedulerFactory;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code quartz} component on a clustered JDBC job store in the application's own PostgreSQL
 * (tables from Flyway, V4), so the credit cron fires once per period across all nodes, and on a
 * live node when one dies.
 * <p>
 * Every node's scheduler has the same name, the Camel context name ({@code camel.main.name}):
 * Quartz clusters the schedulers of one name on one set of tables. Two JVM-wide registries would
 * mix up several nodes in one JVM (the tests), so each context's scheduler leaves both:
 * <ul>
 * <li>Quartz's {@link SchedulerRepository} hands an existing scheduler of the same name to the next
 * factory: the new scheduler is removed from it right after it is built (under the repository's
 * lock), so each context owns its instance;</li>
 * <li>{@link DBConnectionManager} keeps connection providers by name: each context registers the
 * app's pooled DataSource under a name of its own (no second pool; the provider never closes it).</li>
 * </ul>
 * The component builds the scheduler through {@link NodeScheduler} when it starts, and shuts it down
 * when the Camel context stops (a clustered store keeps the trigger for the other nodes).
 */
@Configuration(proxyBeanMethods = false)
public class ClusteredQuartz {

    @Bean
    ComponentCustomizer clusteredQuartzComponent(DataSource dataSource,
                                                 @Value("${ai-worker.node-id}") String nodeId,
                                                 @Value("${ai-worker.credits.cluster-checkin-ms}") long checkinMs) {
        return ComponentCustomizer.forType(QuartzComponent.class, component -> component.setSchedulerFactory(
                new NodeScheduler(component, dataSource, nodeId, checkinMs)));
    }

    /** Builds this node's one scheduler, bound to this context's DataSource and CamelContext. */
    static final class NodeScheduler implements SchedulerFactory {

        private final QuartzComponent component;
        private final DataSource dataSource;
        private final String nodeId;
        private final long checkinMs;
        private Scheduler scheduler;

        NodeScheduler(QuartzComponent component, DataSource dataSource, String nodeId, long checkinMs) {
            this.component = component;
            this.dataSource = dataSource;
            this.nodeId = nodeId;
            this.checkinMs = checkinMs;
        }

        @Override
        public synchronized Scheduler getScheduler() throws SchedulerException {
            if (scheduler == null || scheduler.isShutdown()) {
                scheduler = build();
            }
            return scheduler;
        }

        private Scheduler build() throws SchedulerException {
            CamelContext camel = component.getCamelContext();
            String dataSourceName = "ai-worker-" + UUID.randomUUID();
            DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new AppDataSource(dataSource));
            Properties p = new Properties();
            p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, camel.getName());
            // unique per start: a restarted node is a new instance; the old one is recovered by the others
            p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, nodeId + "-" + Long.toString(System.currentTimeMillis(), 36));
            p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
            p.setProperty("org.quartz.scheduler.jmx.export", "false");
            p.setProperty("org.quartz.threadPool.threadCount", "2");
            p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
            p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
            p.setProperty("org.quartz.jobStore.tablePrefix", "qrtz_");
            p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
            p.setProperty("org.quartz.jobStore.isClustered", "true");
            p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(checkinMs));
            // a period missed by more than this (a node died holding the trigger) runs once, late,
            // instead of every missed period in a row
            p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
            Scheduler built;
            SchedulerRepository repository = SchedulerRepository.getInstance();
            synchronized (repository) {
                built = new StdSchedulerFactory(p).getScheduler();
                repository.remove(built.getSchedulerName());
            }
            // the job's data names the context by its plain name (usingFixedCamelContextName), the
            // same on every node, while the component files it under the management name
            built.getContext().put(QuartzConstants.QUARTZ_CAMEL_CONTEXT + "-" + camel.getName(), camel);
            return built;
        }

        @Override
        public synchronized Scheduler getScheduler(String name) {
            return scheduler != null && name.equals(camelName()) ? scheduler : null;
        }

        @Override
        public synchronized Collection<Scheduler> getAllSchedulers() {
            return scheduler == null ? List.of() : List.of(scheduler);
        }

        private String camelName() {
            return component.getCamelContext().getName();
        }
    }

    /** The app's pool as a Quartz connection provider; the pool belongs to Spring, Quartz never closes it. */
    private record AppDataSource(DataSource dataSource) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    }
}
