package dev.mimamori;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The render command as a GitOps pull request uses it: the JSON for good files, one line and exit 1 for bad ones. */
class RenderCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run render(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RenderCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theExampleRendersToTheDatadogRequestsTheOperatorWouldSend() throws Exception {
        Run run = render("render", "-f", "examples/servicemonitoring.yaml", "--cluster", "eu-1");

        assertThat(run.code()).isZero();
        assertThat(run.err()).isEmpty();
        JsonNode requests = new ObjectMapper().readTree(run.out());
        JsonNode monitors = requests.path("monitors");
        // Seven single-signal monitors, three composites over them, then a fast and a slow burn-rate alert for each
        // of the two SLOs.
        assertThat(monitors).hasSize(14);
        JsonNode latency = monitors.get(0);
        assertThat(latency.path("query").asText())
                .isEqualTo("avg(last_10m):p95:trace.http.request{service:checkout,env:prod} * 1000 > 400");
        assertThat(latency.path("type").asText()).isEqualTo("query alert");
        assertThat(latency.path("options").path("thresholds").path("critical").asDouble())
                .isEqualTo(400.0);
        assertThat(latency.path("tags").toString()).contains("mimamori-cluster:eu-1", "mimamori-owner:shop/checkout");
        assertThat(monitors.get(10).path("type").asText()).isEqualTo("slo alert");
        assertThat(monitors.get(10).path("query").asText())
                .isEqualTo("burn_rate(\"<id of SLO availability>\")"
                        + ".over(\"30d\").long_window(\"1h\").short_window(\"5m\") > 14.4");

        JsonNode slos = requests.path("slos");
        assertThat(slos).hasSize(2);
        assertThat(slos.get(0).path("type").asText()).isEqualTo("metric");
        assertThat(slos.get(0).path("thresholds").get(0).path("target").asDouble())
                .isEqualTo(99.9);
        assertThat(slos.get(0).path("query").path("denominator").asText())
                .isEqualTo("sum:trace.http.request.hits{service:checkout,env:prod}.as_count()");
        assertThat(slos.get(0).path("tags").toString()).contains("mimamori-slo:availability");

        JsonNode dashboard = requests.path("dashboard");
        assertThat(dashboard.path("title").asText()).isEqualTo("Service performance: default (eu-1)");
        assertThat(dashboard.path("template_variables").toString()).contains("\"service\"", "\"env\"", "\"version\"");
        assertThat(dashboard.path("widgets").size()).isGreaterThan(5);
    }

    @Test
    void theGateMetricsAreShownAsTheQueriesAndFormulaOfTheirTimeseriesRequest() throws Exception {
        JsonNode gate = new ObjectMapper()
                .readTree(render("render", "-f", "examples/servicemonitoring.yaml")
                        .out())
                .path("gate");

        assertThat(gate).hasSize(2);
        JsonNode errorRate = gate.get(1);
        assertThat(errorRate.path("name").asText()).isEqualTo("error rate");
        assertThat(errorRate.path("queries").get(0).path("data_source").asText())
                .isEqualTo("metrics");
        assertThat(errorRate.path("queries").findValuesAsText("name")).containsExactly("q0", "q1");
        assertThat(errorRate.path("queries").findValuesAsText("query"))
                .containsExactly(
                        "sum:trace.http.request.errors{service:checkout,env:prod,version:${version}}.as_count()",
                        "sum:trace.http.request.hits{service:checkout,env:prod,version:${version}}.as_count()");
        assertThat(errorRate.path("formulas").findValuesAsText("formula")).containsExactly("q0 / q1");
        assertThat(gate.get(0).path("formulas").findValuesAsText("formula")).containsExactly("q0 * 1000");
    }

    @Test
    void aGateQueryDatadogCannotTakeFailsTheRender() throws Exception {
        Path sm = dir.resolve("sm.yaml");
        Files.writeString(sm, """
                apiVersion: mimamori.dev/v1alpha1
                kind: ServiceMonitoring
                metadata: {name: web, namespace: front}
                spec:
                  service: web
                  env: prod
                  releaseCheck:
                    metrics:
                      - name: errors
                        query: "sum(last_5m):sum:errors{service:${service}}.as_count() > 3"
                """);
        Run run = render("render", "-f", sm.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("render: " + sm + ": InvalidQuery: gate metric \"errors\" cannot be sent");
    }

    @Test
    void aCustomProfileIsReadFromItsFile() throws Exception {
        Path sm = dir.resolve("sm.yaml");
        Files.writeString(sm, """
                apiVersion: mimamori.dev/v1alpha1
                kind: ServiceMonitoring
                metadata: {name: web, namespace: front}
                spec: {service: web, env: prod, team: frontend, profile: web-service}
                """);
        Run run = render("render", "-f", sm.toString(), "--profile", "examples/monitoringprofile.yaml");
        assertThat(run.err()).isEmpty();
        assertThat(run.code()).isZero();
        assertThat(new ObjectMapper().readTree(run.out()).path("monitors").size())
                .isPositive();
    }

    @Test
    void invalidInputGivesOneLineAndExitCodeOne() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: mimamori.dev/v1alpha1
                kind: ServiceMonitoring
                metadata: {name: web}
                spec: {service: web, env: prod, parameters: {nope: "1"}}
                """);
        Path notYaml = dir.resolve("broken.yaml");
        Files.writeString(notYaml, "kind: [unclosed\n  - : :");

        for (Run run : new Run[] {
            render("render", "-f", bad.toString()),
            render("render", "-f", notYaml.toString()),
            render("render", "-f", dir.resolve("missing.yaml").toString()),
            render("render"),
            render("render", "-f", "examples/monitoringprofile.yaml")
        }) {
            assertThat(run.code()).isEqualTo(1);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).startsWith("render: ").endsWith("\n");
            assertThat(run.err().strip()).doesNotContain("\n");
        }
        assertThat(render("render", "-f", bad.toString()).err()).contains("UnknownParameter", "nope");
    }
}
