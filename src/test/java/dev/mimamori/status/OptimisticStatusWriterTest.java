package dev.mimamori.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.Condition;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.ServiceMonitoringStatus;
import dev.mimamori.testing.MockCluster;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reconcile that starts from a copy older than its own last status write (the informer has not caught up): what
 * reaches the API server is the status the reconcile meant, never a mix with the old copy, and never nothing.
 */
class OptimisticStatusWriterTest {
    static MockCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() {
        cluster = MockCluster.start();
        client = cluster.client();
        Resources.namespace(client, "shop");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** One writer per test: what it remembers of its own writes is what is under test. */
    final StatusWriter.Optimistic statuses = new StatusWriter.Optimistic(client);

    @Test
    void aWriteFromAnOldCopyIsRefusedAndComesBackInsteadOfOverwritingTheNewerStatus() {
        ServiceMonitoring created = create("cart");
        ServiceMonitoring oldCopy = Serialization.clone(created);

        statuses.write(Serialization.clone(created), status("Queued"), null);
        UpdateControl<ServiceMonitoring> fromOldCopy = statuses.write(oldCopy, status("MonitorsInSync"), null);

        assertThat(readyReason("cart"))
                .as("the write from the old copy did not land")
                .isEqualTo("Queued");
        assertThat(fromOldCopy.getScheduleDelay()).contains(StatusWriter.Optimistic.AFTER_CONFLICT.toMillis());
        // Tried again from a fresh copy, it lands.
        statuses.write(current("cart"), status("MonitorsInSync"), null);
        assertThat(readyReason("cart")).isEqualTo("MonitorsInSync");
    }

    @Test
    void aStatusThatMatchesAnOldCopyIsStillWrittenWhenOurLastWriteChangedIt() {
        ServiceMonitoring created = create("till");
        statuses.write(Serialization.clone(created), status("MonitorsInSync"), null);
        ServiceMonitoring afterSync = current("till");
        statuses.write(Serialization.clone(afterSync), status("DatadogUnavailable"), null);

        // The next reconcile reads the copy from before the failure, and means what that copy already says: it
        // must not take the match for "nothing to write" and stop there, leaving the failure on the resource.
        UpdateControl<ServiceMonitoring> fromOldCopy =
                statuses.write(Serialization.clone(afterSync), status("MonitorsInSync"), null);
        assertThat(fromOldCopy.getScheduleDelay()).isPresent();
        statuses.write(current("till"), status("MonitorsInSync"), null);

        assertThat(readyReason("till")).isEqualTo("MonitorsInSync");
    }

    @Test
    void anUnchangedStatusFromACopyThatHoldsOurLastWriteCostsNoRequest() {
        ServiceMonitoring created = create("lamp");
        statuses.write(Serialization.clone(created), status("MonitorsInSync"), null);
        ServiceMonitoring written = current("lamp");

        statuses.write(Serialization.clone(written), status("MonitorsInSync"), null);

        assertThat(current("lamp").getMetadata().getResourceVersion())
                .isEqualTo(written.getMetadata().getResourceVersion());
    }

    private static ServiceMonitoring create(String name) {
        return client.resource(Resources.serviceMonitoring("shop", name, name, "prod"))
                .create();
    }

    private static ServiceMonitoring current(String name) {
        return client.resources(ServiceMonitoring.class)
                .inNamespace("shop")
                .withName(name)
                .get();
    }

    private static String readyReason(String name) {
        return current(name).getStatus().conditions.get(0).getReason();
    }

    private static ServiceMonitoringStatus status(String readyReason) {
        ServiceMonitoringStatus status = new ServiceMonitoringStatus();
        status.observedGeneration = 1L;
        status.conditions = List.of(new Condition(
                "Ready",
                "MonitorsInSync".equals(readyReason) ? "True" : "False",
                readyReason,
                "",
                1L,
                Instant.parse("2026-12-05T00:00:00Z").toString()));
        return status;
    }
}
