package dev.mimamori.servicemonitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.sync.Inventories;
import dev.mimamori.sync.MonitorKind;
import dev.mimamori.sync.Ownership;
import dev.mimamori.testing.InMemoryDatadog;
import dev.mimamori.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrphanCollectorTest {
    private final InMemoryDatadog datadog = new InMemoryDatadog();
    private final TestConfig config = new TestConfig("mem://", "k", "k", Duration.ofSeconds(1));
    private final Inventories inventories = new Inventories(datadog, config, new SimpleMeterRegistry());
    private final MutableClock clock = new MutableClock();
    private final OrphanCollector collector = new OrphanCollector(
            inventories, new ServiceSync(inventories, new ServiceMonitoringEvents()), clock, config);

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private ManagedMonitor monitor(String cluster, String owner, String template, String... extra) {
        List<String> tags = new ArrayList<>(Ownership.tags(cluster, owner, MonitorKind.NAME_TAG, template));
        tags.addAll(List.of(extra));
        return datadog.createMonitor(new MonitorDefinition(template, "query alert", "q", "m", 2, tags, null, null));
    }

    @Test
    void anOwnersObjectsAreDeletedOnlyAfterTheGracePeriodAndNeverAnotherClustersOrAForgedOnes() {
        ManagedMonitor gone = monitor("c1", "ns/gone", "latency");
        ManagedMonitor alive = monitor("c1", "ns/alive", "latency");
        ManagedMonitor otherCluster = monitor("c2", "ns/gone", "latency");
        ManagedMonitor forged = monitor("c1", "ns/gone", "errors", "mimamori-owner:ns/other");
        inventories.monitors().refresh();
        inventories.slos().refresh();

        assertThat(collector.collect(Set.of("ns/alive"))).isEmpty();
        clock.now = clock.now.plus(Duration.ofMinutes(59));
        assertThat(collector.collect(Set.of("ns/alive"))).isEmpty();
        assertThat(datadog.monitors).containsKey(gone.id());

        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertThat(collector.collect(Set.of("ns/alive"))).containsExactly("ns/gone");
        assertThat(datadog.monitors)
                .doesNotContainKey(gone.id())
                .containsKeys(alive.id(), otherCluster.id(), forged.id());
    }

    @Test
    void anOwnerThatComesBackBeforeTheGracePeriodEndsStartsTheWaitAgain() {
        ManagedMonitor m = monitor("c1", "ns/flapping", "latency");
        inventories.monitors().refresh();
        inventories.slos().refresh();
        collector.collect(Set.of());
        clock.now = clock.now.plus(Duration.ofMinutes(50));
        collector.collect(Set.of("ns/flapping"));
        clock.now = clock.now.plus(Duration.ofMinutes(50));
        assertThat(collector.collect(Set.of())).isEmpty();
        assertThat(datadog.monitors).containsKey(m.id());
    }

    @Test
    void nothingIsCollectedBeforeTheInventoriesWereRead() {
        monitor("c1", "ns/gone", "latency");
        clock.now = clock.now.plus(Duration.ofDays(1));
        assertThat(collector.collect(Set.of())).isEmpty();
        assertThat(datadog.calls("deleteMonitor")).isZero();
    }
}
