package dev.mimamori;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.datadog.DatadogClient;
import dev.mimamori.datadog.ManagedSlo;
import dev.mimamori.datadog.MetricFormula;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.render.BuiltInProfile;
import dev.mimamori.render.CompositeExpression;
import dev.mimamori.render.DesiredMonitor;
import dev.mimamori.render.DesiredSlo;
import dev.mimamori.render.MonitorRenderer;
import dev.mimamori.render.Rendering;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.TestConfig;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every example, rendered as the operator renders it, is accepted by the simulator's Datadog rules. */
class ExamplesAcceptedByDatadogTest {
    private static DatadogSimulator sim;
    private static DatadogClient datadog;

    @BeforeAll
    static void start() {
        sim = new DatadogSimulator().start();
        datadog = new DatadogClient(
                new TestConfig(sim.url(), "test-api-key", "test-app-key", Duration.ofSeconds(5)),
                new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.clear();
    }

    private static <T> T read(String file, Class<T> type) throws Exception {
        return Serialization.unmarshal(Files.readString(Path.of(file)), type);
    }

    /**
     * Creates everything a rendering wants, as the sync does: composites after their members with the members' ids,
     * SLOs before their burn-rate monitors.
     */
    private static void createAll(Rendering r) {
        assertThat(r.ok()).as(() -> String.valueOf(r.problem())).isTrue();
        Map<String, String> ids = new HashMap<>();
        for (DesiredMonitor m : r.monitors()) {
            if (!CompositeExpression.TYPE.equals(m.definition().type())) {
                ids.put(m.templateName(), datadog.createMonitor(m.definition()).id() + "");
            }
        }
        for (DesiredMonitor m : r.monitors()) {
            MonitorDefinition d = m.definition();
            if (CompositeExpression.TYPE.equals(d.type())) {
                datadog.createMonitor(new MonitorDefinition(
                        d.name(),
                        d.type(),
                        CompositeExpression.withIds(d.query(), ids),
                        d.message(),
                        d.priority(),
                        d.tags(),
                        d.thresholds(),
                        d.settings()));
            }
        }
        for (DesiredSlo slo : r.slos()) {
            ManagedSlo created = datadog.createSlo(slo.definition());
            slo.alertMonitors(created.id()).forEach(m -> datadog.createMonitor(m.definition()));
        }
        r.dashboard().ifPresent(datadog::createDashboard);
    }

    /** Every example manifest, by kind. */
    private static Map<String, List<Path>> examplesByKind() throws Exception {
        Map<String, List<Path>> byKind = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String kind = String.valueOf(Serialization.unmarshal(Files.readString(file), Map.class)
                        .get("kind"));
                byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(file);
            }
        }
        return byKind;
    }

    /** Asks for each gate metric as a release check would, for one version of the service. */
    private static void queryGate(Rendering r) {
        Instant to = sim.clock().instant();
        for (MetricFormula metric : r.gate().values()) {
            datadog.queryMetrics(
                    List.of(metric.expression().replace("${version}", "1.0.0")),
                    to.minus(Duration.ofMinutes(15)),
                    to,
                    Duration.ofMinutes(1));
        }
    }

    @Test
    void everyExampleIsOfAKindThisTestSendsToDatadogOrNeedsNoDatadog() throws Exception {
        // A Secret holds keys and sends nothing; a new kind of example needs a test here before it can be trusted.
        assertThat(examplesByKind().keySet()).containsExactly("MonitoringProfile", "Secret", "ServiceMonitoring");
    }

    @Test
    void everyServiceMonitoringExampleWithTheProfileItNames() throws Exception {
        Map<String, MonitoringProfileSpec> profiles = new TreeMap<>();
        for (Path file : examplesByKind().get("MonitoringProfile")) {
            MonitoringProfile p = read(file.toString(), MonitoringProfile.class);
            profiles.put(p.getMetadata().getName(), p.getSpec());
        }
        int gateQueries = sim.calls(DatadogSimulator.QUERY_TIMESERIES);
        List<Path> examples = examplesByKind().get("ServiceMonitoring");
        for (Path file : examples) {
            ServiceMonitoring sm = read(file.toString(), ServiceMonitoring.class);
            String profile = sm.getSpec().profileName();
            MonitoringProfileSpec spec = profiles.containsKey(profile)
                    ? profiles.get(profile)
                    : profile.equals(BuiltInProfile.NAME) ? BuiltInProfile.spec() : null;
            assertThat(spec).as("the profile %s names", file).isNotNull();
            Rendering r = MonitorRenderer.render(
                    spec, sm.getSpec(), "examples/" + sm.getMetadata().getName(), "Eu-1");
            createAll(r);
            queryGate(r);
        }
        assertThat(sim.monitors()).isNotEmpty();
        assertThat(sim.slos()).isNotEmpty();
        assertThat(sim.dashboards()).hasSize(examples.size());
        assertThat(sim.calls(DatadogSimulator.QUERY_TIMESERIES)).isGreaterThan(gateQueries);
    }

    @Test
    void aJavaServiceOfTheExamplesGetsMonitorsSlosAndADashboardOnServletRequest() throws Exception {
        for (Path file : examplesByKind().get("ServiceMonitoring")) {
            ServiceMonitoring sm = read(file.toString(), ServiceMonitoring.class);
            sm.getSpec().parameters =
                    new java.util.HashMap<>(sm.getSpec().parameters == null ? Map.of() : sm.getSpec().parameters);
            sm.getSpec().parameters.put("traceOperation", "servlet.request");
            Rendering r = MonitorRenderer.render(
                    BuiltInProfile.spec(),
                    sm.getSpec(),
                    "examples/" + sm.getMetadata().getName(),
                    "eu-1");
            createAll(r);
            queryGate(r);
        }
        assertThat(sim.dashboards())
                .allSatisfy(d -> assertThat(d.toString())
                        .contains("trace.servlet.request")
                        .doesNotContain("trace.http.request"));
    }

    @Test
    void everyProfileExampleWithTheSmallestServiceMonitoring() throws Exception {
        ServiceMonitoring sm = read("examples/servicemonitoring.yaml", ServiceMonitoring.class);
        for (Path file : examplesByKind().get("MonitoringProfile")) {
            MonitoringProfile profile = read(file.toString(), MonitoringProfile.class);
            sm.getSpec().profile = profile.getMetadata().getName();
            Rendering r = MonitorRenderer.render(profile.getSpec(), sm.getSpec(), "examples/checkout", "eu-1");
            createAll(r);
            queryGate(r);
        }
        assertThat(sim.monitors()).isNotEmpty();
        assertThat(sim.dashboards())
                .hasSize(examplesByKind().get("MonitoringProfile").size());
    }
}
