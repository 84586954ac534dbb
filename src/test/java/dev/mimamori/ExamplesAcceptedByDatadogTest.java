package dev.mimamori;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.datadog.DatadogClient;
import dev.mimamori.datadog.ManagedSlo;
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
import java.util.HashMap;
import java.util.Map;
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

    @Test
    void theBuiltInProfileExamples() throws Exception {
        for (String file : new String[] {"examples/servicemonitoring.yaml", "examples/servicemonitoring-full.yaml"}) {
            ServiceMonitoring sm = read(file, ServiceMonitoring.class);
            createAll(MonitorRenderer.render(
                    BuiltInProfile.spec(),
                    sm.getSpec(),
                    "examples/" + sm.getMetadata().getName(),
                    "Eu-1"));
        }
        assertThat(sim.monitors()).isNotEmpty();
        assertThat(sim.slos()).isNotEmpty();
        assertThat(sim.dashboards()).hasSize(2);
    }

    @Test
    void theExampleProfile() throws Exception {
        MonitoringProfileSpec profile =
                read("examples/monitoringprofile.yaml", MonitoringProfile.class).getSpec();
        ServiceMonitoring sm = read("examples/servicemonitoring.yaml", ServiceMonitoring.class);
        createAll(MonitorRenderer.render(profile, sm.getSpec(), "examples/checkout", "eu-1"));
        assertThat(sim.monitors()).isNotEmpty();
        assertThat(sim.dashboards()).hasSize(1);
    }
}
