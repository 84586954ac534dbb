package dev.mimamori.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Change detection through Datadog's Audit Trail search, against the simulator, with the official client's models. */
class AuditTrailClientTest {
    static DatadogSimulator sim;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        sim = new DatadogSimulator().start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.clear();
    }

    private static DatadogClient client() {
        return new DatadogClient(
                new TestConfig(sim.url(), sim.apiKey(), sim.appKey(), Duration.ofSeconds(1)),
                new SimpleMeterRegistry());
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(1);
    }

    @Test
    void ourOwnWritesAndAnEditInTheUiAreAuditedWithTheirAssetType() {
        DatadogClient client = client();
        Instant from = Instant.now().minusSeconds(1);
        ManagedMonitor created = client.createMonitor(DatadogClientTest.definition("ns/a", "latency", 1));

        AuditedChanges afterCreate = client.auditedChanges(from, soon(), 100);
        assertThat(afterCreate.changes())
                .extracting(AuditedChanges.Change::assetType)
                .containsExactly("monitor");
        assertThat(afterCreate.truncated()).isFalse();

        sim.editMonitor(created.id(), m -> m.put("message", "changed by a person"));
        AuditedChanges afterEdit = client.auditedChanges(from, soon(), 100);
        assertThat(afterEdit.changes()).hasSize(2);
        assertThat(afterEdit.changes().get(0).eventId())
                .as("newest first")
                .isNotEqualTo(afterCreate.changes().get(0).eventId());
    }

    @Test
    void moreEventsThanAskedForAreReportedAsTruncated() {
        DatadogClient client = client();
        Instant from = Instant.now().minusSeconds(1);
        for (int i = 0; i < 3; i++) {
            client.createMonitor(DatadogClientTest.definition("ns/a", "t" + i, 1));
        }
        assertThat(client.auditedChanges(from, soon(), 2).truncated()).isTrue();
        assertThat(client.auditedChanges(from, soon(), 3).truncated()).isTrue();
        assertThat(client.auditedChanges(from, soon(), 4).truncated()).isFalse();
    }

    @Test
    void eventsOutsideTheRangeAreNotReturned() {
        DatadogClient client = client();
        client.createMonitor(DatadogClientTest.definition("ns/a", "old", 1));
        Instant after = Instant.now().plusMillis(5);
        assertThat(client.auditedChanges(after, after.plusSeconds(60), 100).changes())
                .isEmpty();
    }

    @Test
    void anOrganisationWithoutTheAuditTrailAnswersForbidden() {
        sim.setAuditTrail(false);
        assertThatThrownBy(() -> client().auditedChanges(Instant.now(), soon(), 100))
                .isInstanceOfSatisfying(
                        DatadogException.class, e -> assertThat(e.kind()).isEqualTo(DatadogException.Kind.FORBIDDEN));
    }

    @Test
    void theSimulatorRefusesALimitAboveDatadogsMaximumAndFiltersItDoesNotSimulate() throws Exception {
        ObjectNode tooMany = JSON.createObjectNode();
        tooMany.putObject("page").put("limit", 1001);
        assertThat(search(tooMany).statusCode()).isEqualTo(400);

        ObjectNode otherFilter = JSON.createObjectNode();
        otherFilter.putObject("filter").put("query", "@usr.email:someone@example.com");
        assertThat(search(otherFilter).statusCode()).isEqualTo(400);

        ObjectNode badSort = JSON.createObjectNode().put("sort", "newest");
        assertThat(search(badSort).statusCode()).isEqualTo(400);

        ObjectNode plain = JSON.createObjectNode();
        plain.putObject("filter").put("query", "@asset.type:monitor").put("from", "now-15m");
        HttpResponse<String> ok = search(plain);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).path("data").isArray()).isTrue();
    }

    private static HttpResponse<String> search(ObjectNode body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.url() + "/api/v2/audit/events/search"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("DD-API-KEY", sim.apiKey())
                .header("DD-APPLICATION-KEY", sim.appKey())
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
