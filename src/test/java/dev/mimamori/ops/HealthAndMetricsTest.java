package dev.mimamori.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a cluster's probes and Prometheus see: health endpoints and the operator's own metrics. */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class HealthAndMetricsTest {
    @TestHTTPResource("/q")
    URI base;

    @Inject
    KubernetesClient client;

    HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void livenessAndReadinessAnswerUp() throws Exception {
        HttpResponse<String> live = get("/health/live");
        HttpResponse<String> ready = get("/health/ready");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\": \"UP\"");
    }

    @Test
    void prometheusMetricsCountReconcilesDatadogCallsAndManagedMonitors() throws Exception {
        Resources.namespace(client, "metrics");
        client.resource(Resources.serviceMonitoring("metrics", "api", "api", "prod"))
                .create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = get("/metrics").body();
            assertThat(metrics)
                    .contains("mimamori_reconciles_total{kind=\"ServiceMonitoring\"")
                    .contains("mimamori_datadog_calls_total{endpoint=\"POST /api/v1/monitor\",status=\"200\"")
                    .contains("mimamori_monitors_managed");
        });
        String metrics = get("/metrics").body();
        double managed = metrics.lines()
                .filter(l -> l.startsWith("mimamori_monitors_managed"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
        assertThat(managed).isGreaterThanOrEqualTo(6);
    }
}
