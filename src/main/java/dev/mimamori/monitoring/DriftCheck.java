package dev.mimamori.monitoring;

import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Once per resync interval: re-read this cluster's monitors from Datadog (one list call per 1,000 monitors) and wake
 * up only the ServiceMonitorings whose monitors were edited or deleted there.
 */
@ApplicationScoped
public class DriftCheck {
    private static final Logger LOG = Logger.getLogger(DriftCheck.class);

    private final MonitorInventory inventory;
    private final ServiceMonitoringReconciler reconciler;
    private final MimamoriConfig config;
    private ScheduledExecutorService scheduler;

    public DriftCheck(MonitorInventory inventory, ServiceMonitoringReconciler reconciler, MimamoriConfig config) {
        this.inventory = inventory;
        this.reconciler = reconciler;
        this.config = config;
    }

    void start(@Observes StartupEvent ignored) {
        long every = config.resyncInterval().toMillis();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mimamori-drift-check");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::runQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** One drift check; returns the owners woken up. */
    public Set<String> run() {
        Set<String> changed = inventory.refresh();
        if (!changed.isEmpty()) {
            LOG.infof("drift check: monitors changed in Datadog for %s", changed);
            reconciler.monitorsChanged(changed);
        }
        return changed;
    }

    private void runQuietly() {
        try {
            run();
        } catch (DatadogException e) {
            LOG.warnf("drift check skipped: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "drift check failed");
        }
    }
}
