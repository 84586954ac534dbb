package dev.mimamori.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.datadog.DashboardDefinition;
import dev.mimamori.datadog.ManagedDashboard;
import dev.mimamori.testing.InMemoryDatadog;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DashboardKindTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final InMemoryDatadog datadog = new InMemoryDatadog();
    private final Inventory<DashboardDefinition, ManagedDashboard> dashboards =
            new Inventory<>(new DashboardKind(datadog, "c1"), null);

    private static DashboardDefinition dashboard(String profile, String cluster, String title) {
        ObjectNode body = JSON.createObjectNode()
                .put("title", title)
                .put("layout_type", "ordered")
                .put("description", "The team's view.\n[mimamori cluster=" + cluster + " profile=" + profile + "]");
        body.putArray("widgets");
        return new DashboardDefinition(body);
    }

    private void sync(String profile, Optional<DashboardDefinition> wanted) {
        SyncRun run = new SyncRun(profile);
        run.upsert(
                dashboards,
                wanted.map(d -> List.of(new Desired<>(DashboardKind.NAME, d))).orElse(List.of()));
        run.finish();
    }

    @Test
    void anUnchangedDashboardIsNeitherReadNorWrittenAndAnEditIsReadAndPutBack() {
        sync("default", Optional.of(dashboard("default", "c1", "Services")));
        String id = datadog.dashboards.keySet().iterator().next();
        dashboards.refresh();
        int reads = datadog.calls("readDashboard");
        int writes = datadog.writes();

        assertThat(dashboards.refresh()).isEmpty();
        sync("default", Optional.of(dashboard("default", "c1", "Services")));
        assertThat(datadog.calls("readDashboard")).isEqualTo(reads);
        assertThat(datadog.writes()).isEqualTo(writes);

        // Edited in the UI: Datadog moves its modified time.
        ManagedDashboard before = datadog.dashboards.get(id);
        ObjectNode edited = ((ObjectNode) before.stored().deepCopy())
                .put("title", "Edited by hand")
                .put("modified_at", "999999");
        datadog.dashboards.put(
                id, new ManagedDashboard(id, "Edited by hand", before.description(), before.url(), "999999", edited));
        assertThat(dashboards.refresh()).containsExactly("default");
        sync("default", Optional.of(dashboard("default", "c1", "Services")));
        assertThat(datadog.dashboards.get(id).stored().path("title").asText()).isEqualTo("Services");
    }

    @Test
    void anotherClustersOrAForgedDashboardIsNeverTouched() {
        datadog.createDashboard(dashboard("default", "c2", "Other cluster"));
        ObjectNode twoMarkers = dashboard("default", "c1", "Forged").body();
        twoMarkers.put("description", twoMarkers.path("description").asText() + "\n[mimamori cluster=c1 profile=x]");
        datadog.createDashboard(new DashboardDefinition(twoMarkers));
        sync("default", Optional.empty());
        sync("x", Optional.empty());

        assertThat(datadog.dashboards).hasSize(2);
        assertThat(datadog.calls("deleteDashboard")).isZero();
    }

    @Test
    void theDashboardsOfOneProfileForTwoOperationsAreTwoOwnersNotDuplicates() {
        ManagedDashboard http = datadog.createDashboard(dashboard("default", "c1", "Services"));
        ManagedDashboard servlet =
                datadog.createDashboard(dashboard("default traceOperation=servlet.request", "c1", "Servlet services"));
        ManagedDashboard duplicate =
                datadog.createDashboard(dashboard("default traceOperation=servlet.request", "c1", "Servlet services"));

        sync("default", Optional.of(dashboard("default", "c1", "Services")));
        assertThat(datadog.dashboards.keySet()).containsExactlyInAnyOrder(http.id(), servlet.id(), duplicate.id());
        sync(
                "default traceOperation=servlet.request",
                Optional.of(dashboard("default traceOperation=servlet.request", "c1", "Servlet services")));
        assertThat(datadog.dashboards.keySet()).containsExactlyInAnyOrder(http.id(), servlet.id());

        // The servlet one's last user left: it goes, the other operation's stays.
        sync("default traceOperation=servlet.request", Optional.empty());
        assertThat(datadog.dashboards.keySet()).containsExactly(http.id());
        assertThat(dashboards.owners()).containsExactly("default");
    }

    @Test
    void duplicatesOfAProfilesDashboardAreRemovedKeepingTheFirst() {
        ManagedDashboard first = datadog.createDashboard(dashboard("default", "c1", "Services"));
        datadog.createDashboard(dashboard("default", "c1", "Services"));
        sync("default", Optional.of(dashboard("default", "c1", "Services")));

        assertThat(datadog.dashboards.keySet()).containsExactly(first.id());
    }
}
