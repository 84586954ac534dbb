package dev.mimamori.sync;

import static dev.mimamori.sync.SyncTestObjects.monitor;
import static dev.mimamori.sync.SyncTestObjects.slo;
import static dev.mimamori.sync.SyncTestObjects.wanted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.ManagedSlo;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.SloDefinition;
import dev.mimamori.testing.InMemoryDatadog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncRunTest {
    private final InMemoryDatadog datadog = new InMemoryDatadog();
    private final Inventory<MonitorDefinition, ManagedMonitor> monitors =
            new Inventory<>(new MonitorKind(datadog, "c1"), null);
    private final Inventory<SloDefinition, ManagedSlo> slos = new Inventory<>(new SloKind(datadog, "c1"), null);

    private static DatadogException referenced(String what) {
        return new DatadogException(
                DatadogException.Kind.REFERENCED,
                "Datadog will not delete it while something " + "refers to it: " + what);
    }

    @Test
    void createsUpdatesAndDeletesAndReportsEachByKindAndName() {
        ManagedMonitor stale = datadog.createMonitor(monitor("ns/a", "latency", "old"));
        ManagedMonitor gone = datadog.createMonitor(monitor("ns/a", "removed", "q"));
        SyncRun run = new SyncRun("ns/a");
        List<SyncedObject> synced =
                run.upsert(monitors, List.of(wanted("ns/a", "latency", "new"), wanted("ns/a", "errors", "q")));
        run.finish();

        assertThat(synced).extracting(SyncedObject::name).containsExactly("errors", "latency");
        assertThat(datadog.monitors.get(stale.id()).definition().query()).isEqualTo("new");
        assertThat(datadog.monitors).doesNotContainKey(gone.id());
        SyncRun.Report report = run.report();
        assertThat(report.created()).extracting(Object::toString).containsExactly("monitor errors");
        assertThat(report.updated()).extracting(Object::toString).containsExactly("monitor latency");
        assertThat(report.deleted()).extracting(Object::toString).containsExactly("monitor removed");
        assertThat(report.problems()).isEmpty();
    }

    @Test
    void anUnchangedSyncWritesNothing() {
        SyncRun first = new SyncRun("ns/a");
        first.upsert(monitors, List.of(wanted("ns/a", "latency", "q")));
        first.finish();
        int writes = datadog.writes();

        SyncRun again = new SyncRun("ns/a");
        again.upsert(monitors, List.of(wanted("ns/a", "latency", "q")));
        again.finish();
        assertThat(datadog.writes()).isEqualTo(writes);
        assertThat(again.report().changedAnything()).isFalse();
    }

    @Test
    void deletesRunAfterEveryUpsertAndInReverseOrderOfKinds() {
        ManagedSlo slo = datadog.createSlo(slo("ns/a", "availability", 99.9));
        ManagedMonitor alert = datadog.createMonitor(monitor("ns/a", "availability-burn", "burn"));
        List<String> order = new ArrayList<>();
        InMemoryDatadog recording = datadog;
        SyncRun run = new SyncRun("ns/a");
        run.upsert(slos, List.of());
        run.upsert(monitors, List.of(wanted("ns/a", "latency", "q")));
        assertThat(recording.slos).containsKey(slo.id());
        assertThat(recording.monitors).containsKey(alert.id());
        // A referenced SLO would refuse; so the monitor that refers to it must go first.
        datadog.refuse("deleteSlo", slo.id(), referenced("monitors: [" + alert.id() + "]"));
        run.finish();
        assertThat(datadog.monitors).doesNotContainKey(alert.id());
        order.addAll(run.report().deleted().stream().map(Object::toString).toList());
        assertThat(order).containsExactly("monitor availability-burn");
        assertThat(run.report().problems()).singleElement().satisfies(p -> {
            assertThat(p.problem()).isEqualTo(ObjectProblem.Problem.REFERENCED);
            assertThat(p.describe()).contains("SLO availability", slo.id(), "monitors: [" + alert.id() + "]");
        });
    }

    @Test
    void aReferencedOrForbiddenOrRefusedObjectIsReportedByNameWhileTheOthersConverge() {
        ManagedMonitor blocked = datadog.createMonitor(monitor("ns/a", "composite-member", "q"));
        ManagedMonitor restricted = datadog.createMonitor(monitor("ns/a", "restricted", "old"));
        datadog.refuse("deleteMonitor", Long.toString(blocked.id()), referenced("composite monitors: [77]"));
        datadog.refuse(
                "updateMonitor",
                Long.toString(restricted.id()),
                new DatadogException(DatadogException.Kind.FORBIDDEN, "Datadog refused access (HTTP 403)"));
        datadog.refuse(
                "createMonitor",
                "title bad",
                new DatadogException(DatadogException.Kind.REJECTED, "Datadog rejected the request: bad query"));

        SyncRun run = new SyncRun("ns/a");
        List<SyncedObject> synced = run.upsert(
                monitors,
                List.of(wanted("ns/a", "restricted", "new"), wanted("ns/a", "bad", "q"), wanted("ns/a", "good", "q")));
        run.finish();

        assertThat(datadog.monitorIdsTagged("mimamori-monitor:good")).hasSize(1);
        assertThat(synced).extracting(SyncedObject::name).containsExactly("good", "restricted");
        assertThat(run.report().problems())
                .extracting(ObjectProblem::name, ObjectProblem::problem)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("restricted", ObjectProblem.Problem.FORBIDDEN),
                        org.assertj.core.groups.Tuple.tuple("bad", ObjectProblem.Problem.REJECTED),
                        org.assertj.core.groups.Tuple.tuple("composite-member", ObjectProblem.Problem.REFERENCED));
        // Still known, so the next sync tries the delete again instead of forgetting the object.
        assertThat(monitors.of("ns/a")).extracting(ManagedMonitor::id).contains(blocked.id());

        datadog.allow("deleteMonitor", Long.toString(blocked.id()));
        SyncRun next = new SyncRun("ns/a");
        next.upsert(monitors, List.of(wanted("ns/a", "good", "q")));
        next.finish();
        assertThat(datadog.monitors).doesNotContainKey(blocked.id());
    }

    @Test
    void aFailureThatConcernsEveryObjectStopsTheRunAndKeepsWhatWasDone() {
        SyncRun run = new SyncRun("ns/a");
        datadog.refuse(
                "createMonitor",
                "title second",
                new DatadogException(DatadogException.Kind.RATE_LIMITED, "rate limit"));
        assertThatThrownBy(() ->
                        run.upsert(monitors, List.of(wanted("ns/a", "first", "q"), wanted("ns/a", "second", "q"))))
                .isInstanceOf(DatadogException.class);
        assertThat(run.report().created()).extracting(Object::toString).containsExactly("monitor first");
        assertThat(monitors.of("ns/a")).hasSize(1);
    }

    @Test
    void aForbiddenCreateIsTheKeysProblemAndIsThrown() {
        datadog.refuse("createMonitor", "title first", new DatadogException(DatadogException.Kind.FORBIDDEN, "403"));
        SyncRun run = new SyncRun("ns/a");
        assertThatThrownBy(() -> run.upsert(monitors, List.of(wanted("ns/a", "first", "q"))))
                .isInstanceOf(DatadogException.class);
    }

    @Test
    void aCreateWithoutAnAnswerIsLookedForBeforeItIsMadeAgain() {
        monitors.refresh();
        SyncRun run = new SyncRun("ns/a");
        datadog.failNext("createMonitor", new DatadogException(DatadogException.Kind.UNAVAILABLE, "timeout"));
        assertThatThrownBy(() -> run.upsert(monitors, List.of(wanted("ns/a", "first", "q"))))
                .isInstanceOf(DatadogException.class);
        // Datadog did not create it; a made-up twin appears as if the timed-out create had landed.
        datadog.createMonitor(monitor("ns/a", "first", "q"));

        SyncRun retry = new SyncRun("ns/a");
        retry.upsert(monitors, List.of(wanted("ns/a", "first", "q")));
        retry.finish();
        assertThat(datadog.monitorIdsTagged("mimamori-monitor:first")).hasSize(1);
    }

    @Test
    void anObjectDeletedInDatadogSinceTheLastListIsCreatedAgain() {
        SyncRun first = new SyncRun("ns/a");
        first.upsert(monitors, List.of(wanted("ns/a", "latency", "q")));
        datadog.monitors.clear();

        SyncRun second = new SyncRun("ns/a");
        second.upsert(monitors, List.of(wanted("ns/a", "latency", "changed")));
        assertThat(datadog.monitors).hasSize(1);
        assertThat(second.report().created()).extracting(Object::toString).containsExactly("monitor latency");
    }

    @Test
    void objectsWithForgedOwnershipAreNeverChangedOrDeleted() {
        ManagedMonitor twoOwners = datadog.createMonitor(monitor("ns/a", "latency", "q", "mimamori-owner:ns/b"));
        ManagedMonitor twoClusters = datadog.createMonitor(monitor("ns/a", "errors", "q", "mimamori-cluster:c2"));
        ManagedMonitor otherCluster = datadog.createMonitor(new MonitorDefinition(
                "x",
                "query alert",
                "q",
                "m",
                2,
                Ownership.tags("c2", "ns/a", MonitorKind.NAME_TAG, "latency"),
                null,
                null));
        SyncRun run = new SyncRun("ns/a");
        run.removeAll(monitors);
        run.finish();
        SyncRun b = new SyncRun("ns/b");
        b.removeAll(monitors);
        b.finish();

        assertThat(datadog.monitors).containsKeys(twoOwners.id(), twoClusters.id(), otherCluster.id());
        assertThat(datadog.monitors.get(twoOwners.id()).definition().query()).isEqualTo("q");
        assertThat(datadog.calls("deleteMonitor") + datadog.calls("updateMonitor"))
                .isZero();
    }
}
