package dev.mimamori.sync;

import static dev.mimamori.sync.SyncTestObjects.monitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.testing.InMemoryDatadog;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InventoryTest {
    private final InMemoryDatadog datadog = new InMemoryDatadog();
    private final Inventory<MonitorDefinition, ManagedMonitor> inventory =
            new Inventory<>(new MonitorKind(datadog, "c1"), null);

    @Test
    void oneListServesEveryOwnerAndOnlyStrictlyOwnedObjectsEnter() {
        datadog.createMonitor(monitor("ns/a", "latency", "q"));
        datadog.createMonitor(monitor("ns/b", "latency", "q"));
        datadog.createMonitor(monitor("ns/a", "errors", "q", "mimamori-owner:ns/b"));

        assertThat(inventory.of("ns/a")).hasSize(1);
        assertThat(inventory.of("ns/b")).hasSize(1);
        assertThat(datadog.calls("listMonitors")).isEqualTo(1);
    }

    @Test
    void aWriteMadeWhileAListIsUnderWayIsNotUndoneByTheList() {
        inventory.refresh();
        ManagedMonitor made = datadog.createMonitor(monitor("ns/a", "latency", "q"));
        InMemoryDatadog.StoredMonitor stored = datadog.monitors.remove(made.id());
        // The list reads Datadog before the create lands, and answers after it was recorded.
        datadog.duringList = () -> {
            datadog.monitors.put(made.id(), stored);
            inventory.recordCreated("ns/a", made);
        };
        Set<String> changed = inventory.refresh();

        assertThat(inventory.of("ns/a")).containsExactly(made);
        assertThat(changed).isEmpty();
    }

    @Test
    void aCreateAListHasAlreadySeenIsKeptOnceAndTheNextSyncDeletesNothing() {
        inventory.refresh();
        // Datadog stores the create, a full list ends and sees it, and only then is the create's answer recorded.
        ManagedMonitor made = datadog.createMonitor(monitor("ns/a", "latency", "q"));
        inventory.refresh();
        inventory.recordCreated("ns/a", made);

        assertThat(inventory.of("ns/a")).containsExactly(made);
        SyncRun run = new SyncRun("ns/a");
        run.upsert(inventory, java.util.List.of(new Desired<>("latency", monitor("ns/a", "latency", "q"))));
        run.finish();
        assertThat(datadog.monitors).containsKey(made.id());
        assertThat(datadog.calls("deleteMonitor")).isZero();
    }

    @Test
    void aDeleteMadeWhileAListIsUnderWayIsNotUndoneByTheList() {
        ManagedMonitor made = datadog.createMonitor(monitor("ns/a", "latency", "q"));
        inventory.refresh();
        datadog.duringList = () -> {
            datadog.monitors.remove(made.id());
            inventory.recordDeleted("ns/a", Long.toString(made.id()));
        };
        inventory.refresh();

        assertThat(inventory.of("ns/a")).isEmpty();
    }

    @Test
    void refreshReportsOwnersEditedOrDeletedInDatadog() {
        ManagedMonitor a = datadog.createMonitor(monitor("ns/a", "latency", "q"));
        datadog.createMonitor(monitor("ns/b", "latency", "q"));
        inventory.refresh();
        datadog.monitors.put(a.id(), new InMemoryDatadog.StoredMonitor(a.id(), monitor("ns/a", "latency", "edited")));

        assertThat(inventory.refresh()).containsExactly("ns/a");
        assertThat(inventory.refresh()).isEmpty();
    }

    @Test
    void anUncertainOwnerIsReReadBeforeItsNextSync() {
        inventory.refresh();
        datadog.createMonitor(monitor("ns/a", "latency", "q"));
        inventory.markUncertain("ns/a");

        assertThat(inventory.of("ns/a")).hasSize(1);
        assertThat(datadog.calls("listMonitors")).isEqualTo(2);
        inventory.of("ns/a");
        assertThat(datadog.calls("listMonitors")).isEqualTo(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void concurrentRefreshesShareOneListAndHoldNoLockWhileWaiting() throws Exception {
        datadog.createMonitor(monitor("ns/a", "latency", "q"));
        CountDownLatch listing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        datadog.duringList = () -> {
            listing.countDown();
            await(release);
        };
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            Future<Set<String>> first = pool.submit(inventory::refresh);
            assertThat(listing.await(5, TimeUnit.SECONDS)).isTrue();
            Set<String>[] second = new Set[1];
            Thread waiter = new Thread(() -> second[0] = inventory.refresh());
            waiter.start();
            // Parked either joining the list under way (right) or in a list of its own (counted below as wrong).
            while (waiter.getState() != Thread.State.WAITING && waiter.getState() != Thread.State.TERMINATED) {
                Thread.onSpinWait();
            }
            // A write-through from another reconcile is not blocked by the list under way.
            inventory.recordDeleted("ns/zzz", "1");
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly("ns/a");
            waiter.join(5000);
            assertThat(second[0]).containsExactly("ns/a");
        } finally {
            pool.shutdownNow();
        }
        assertThat(datadog.calls("listMonitors")).isEqualTo(1);
    }

    @Test
    void aFailedListLeavesTheInventoryAsItWasAndIsThrown() {
        datadog.createMonitor(monitor("ns/a", "latency", "q"));
        inventory.refresh();
        datadog.failNext("listMonitors", new DatadogException(DatadogException.Kind.UNAVAILABLE, "down"));

        assertThatThrownBy(inventory::refresh).isInstanceOf(DatadogException.class);
        assertThat(inventory.of("ns/a")).hasSize(1);
        assertThat(inventory.owners()).isEqualTo(Set.of("ns/a"));
    }

    @Test
    void aClaimIsExclusiveUntilClosed() throws Exception {
        var claim = inventory.tryClaim("profile");
        assertThat(claim).isPresent();
        assertThat(inventory.tryClaim("profile")).isEmpty();
        assertThat(inventory.tryClaim("other")).isPresent();
        claim.get().close();
        assertThat(inventory.tryClaim("profile")).isPresent();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
