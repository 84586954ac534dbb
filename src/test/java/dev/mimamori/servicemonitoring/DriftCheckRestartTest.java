package dev.mimamori.servicemonitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.datadog.DatadogClient;
import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.MonitorSettings;
import dev.mimamori.datadog.SloDefinition;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.sync.Inventories;
import dev.mimamori.sync.MonitorKind;
import dev.mimamori.sync.Ownership;
import dev.mimamori.sync.SloKind;
import dev.mimamori.testing.ManualClock;
import dev.mimamori.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An operator started again over objects it made in its previous life: the first reconcile's lists and the first
 * Audit Trail look together read each kind once, and still find what was edited in Datadog meanwhile.
 */
class DriftCheckRestartTest {
    static final String OWNER = "shop/checkout";

    final DatadogSimulator sim = new DatadogSimulator();
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
    TestConfig config;
    DatadogClient datadog;
    ManagedMonitor written;

    @BeforeEach
    void previousLife() {
        sim.setClock(clock);
        sim.start();
        config = new TestConfig(sim.url(), "test-api-key", "test-app-key", Duration.ofSeconds(5));
        datadog = new DatadogClient(config, new SimpleMeterRegistry());
        // What the operator wrote before it stopped: audited, like any write.
        written = datadog.createMonitor(monitor("avg(last_5m):avg:latency{service:checkout} > 1"));
        datadog.createSlo(slo());
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    /** The operator starts: its inventories are empty and its drift check's background task is left to the test. */
    private DriftCheck restart(Inventories inventories) {
        ServiceMonitoringEvents events = new ServiceMonitoringEvents();
        DriftCheck check = new DriftCheck(
                inventories,
                datadog,
                events,
                new OrphanCollector(inventories, new ServiceSync(inventories, events), clock, config),
                config,
                null,
                clock);
        check.start(null);
        check.stop(null);
        return check;
    }

    private Inventories inventories() {
        return new Inventories(datadog, config, new SimpleMeterRegistry());
    }

    @Test
    void theFirstReconcileAndTheFirstLookListEachKindOnceAndTheListFindsAnEditMadeWhileTheOperatorWasDown() {
        clock.advance(Duration.ofMinutes(2));
        sim.editMonitor(written.id(), m -> m.put("message", "changed by a person while the operator was down"));
        clock.advance(Duration.ofMinutes(2));
        Inventories inventories = inventories();
        DriftCheck check = restart(inventories);
        sim.resetCounts();

        // The first reconcile reads its objects; the first look comes one resync interval later.
        List<ManagedMonitor> seen = inventories.monitors().of(OWNER);
        assertThat(inventories.slos().of(OWNER)).hasSize(1);
        clock.advance(Duration.ofSeconds(20));
        assertThat(check.runChanges(clock.instant())).isEmpty();

        assertThat(seen).hasSize(1).doesNotContain(written);
        assertThat(sim.calls(DatadogSimulator.LIST_MONITORS)).isEqualTo(1);
        assertThat(sim.calls(DatadogSimulator.LIST_SLOS)).isEqualTo(1);
    }

    @Test
    void anEditMadeAfterTheFirstListIsFoundByTheFirstLook() {
        clock.advance(Duration.ofMinutes(4));
        Inventories inventories = inventories();
        DriftCheck check = restart(inventories);
        clock.advance(Duration.ofSeconds(1));
        assertThat(inventories.monitors().of(OWNER)).containsExactly(written);
        inventories.slos().of(OWNER);
        clock.advance(Duration.ofSeconds(5));
        sim.editMonitor(written.id(), m -> m.put("message", "changed by a person just after the operator started"));

        clock.advance(Duration.ofSeconds(20));
        assertThat(check.runChanges(clock.instant())).containsExactly(OWNER);
        assertThat(inventories.monitors().of(OWNER)).hasSize(1).doesNotContain(written);
    }

    private static MonitorDefinition monitor(String query) {
        return new MonitorDefinition(
                "checkout latency",
                "query alert",
                query,
                "latency is high",
                2,
                Ownership.tags("c1", OWNER, MonitorKind.NAME_TAG, "latency"),
                new TreeMap<>(Map.of("critical", 1.0)),
                MonitorSettings.NONE);
    }

    private static SloDefinition slo() {
        List<String> tags = new ArrayList<>(Ownership.tags("c1", OWNER, SloKind.NAME_TAG, "availability"));
        return new SloDefinition(
                "checkout availability",
                "",
                tags,
                "30d",
                99.9,
                null,
                "sum:good{service:checkout}.as_count()",
                "sum:all{service:checkout}.as_count()");
    }
}
