package dev.mimamori.sync;

import static dev.mimamori.sync.SyncTestObjects.actual;
import static dev.mimamori.sync.SyncTestObjects.actualSlo;
import static dev.mimamori.sync.SyncTestObjects.slo;
import static dev.mimamori.sync.SyncTestObjects.wanted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.testing.InMemoryDatadog;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncPlanTest {
    private final MonitorKind monitors = new MonitorKind(new InMemoryDatadog(), "c1");
    private final SloKind slos = new SloKind(new InMemoryDatadog(), "c1");

    private static List<String> ids(List<ManagedMonitor> monitors) {
        return monitors.stream().map(m -> Long.toString(m.id())).toList();
    }

    @Test
    void nothingToDoWhenDatadogMatches() {
        var plan = SyncPlan.between(
                monitors,
                List.of(wanted("ns/a", "a", "q1"), wanted("ns/a", "b", "q2")),
                List.of(actual(2, "ns/a", "b", "q2"), actual(1, "ns/a", "a", "q1")));
        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.unchanged()).extracting(c -> c.current().id()).containsExactlyInAnyOrder(1L, 2L);
    }

    @Test
    void aTemplateNameWithCapitalsMatchesTheLowerCaseNameTagDatadogKeeps() {
        var plan = SyncPlan.between(
                monitors, List.of(wanted("ns/a", "Latency", "q1")), List.of(actual(1, "ns/a", "latency", "q1")));
        assertThat(plan.creates()).isEmpty();
        assertThat(plan.deletes()).isEmpty();
    }

    @Test
    void createsMissingUpdatesChangedDeletesRemoved() {
        var plan = SyncPlan.between(
                monitors,
                List.of(wanted("ns/a", "a", "q1-new"), wanted("ns/a", "c", "q3")),
                List.of(actual(1, "ns/a", "a", "q1"), actual(2, "ns/a", "b", "q2")));
        assertThat(plan.creates()).extracting(Desired::name).containsExactly("c");
        assertThat(plan.updates()).extracting(c -> c.current().id()).containsExactly(1L);
        assertThat(ids(plan.deletes())).containsExactly("2");
    }

    @Test
    void duplicatesOfANameAreDeletedKeepingTheOldest() {
        var plan = SyncPlan.between(
                monitors,
                List.of(wanted("ns/a", "a", "q1")),
                List.of(actual(7, "ns/a", "a", "q1"), actual(3, "ns/a", "a", "q1"), actual(9, "ns/a", "a", "x")));
        assertThat(plan.unchanged()).extracting(c -> c.current().id()).containsExactly(3L);
        assertThat(ids(plan.deletes())).containsExactly("7", "9");
    }

    @Test
    void objectsThatAreNotStrictlyOursAreNeitherKeptNorDeleted() {
        // A second owner tag, a second cluster tag, or no name tag: foreign, whatever else it says.
        var plan = SyncPlan.between(
                monitors,
                List.of(wanted("ns/a", "a", "q1")),
                List.of(
                        actual(1, "ns/a", "a", "q1", "mimamori-owner:ns/b"),
                        actual(2, "ns/a", "a", "q1", "mimamori-cluster:other"),
                        actual(3, "ns/a", "a", "q1", "mimamori-monitor:b")));
        assertThat(plan.creates()).extracting(Desired::name).containsExactly("a");
        assertThat(plan.deletes()).isEmpty();
        assertThat(plan.unchanged()).isEmpty();
    }

    @Test
    void sloDuplicatesKeepTheFirstCreated() {
        var plan = SyncPlan.between(
                slos,
                List.of(new Desired<>("availability", slo("ns/a", "availability", 99.9))),
                List.of(
                        actualSlo("b", 20, "ns/a", "availability", 99.9),
                        actualSlo("a", 10, "ns/a", "availability", 99.5)));
        assertThat(plan.updates()).extracting(c -> c.current().id()).containsExactly("a");
        assertThat(plan.deletes()).extracting(s -> s.id()).containsExactly("b");
    }
}
