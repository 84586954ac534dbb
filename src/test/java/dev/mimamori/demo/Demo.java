package dev.mimamori.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.Condition;
import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.status.Conditions;
import dev.mimamori.testing.Kubeconfig;
import dev.mimamori.testing.MockCluster;
import dev.mimamori.testing.OperatorProcess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * {@code make demo}: mimamori end to end with no cluster and no Datadog account. An embedded Kubernetes API (the
 * mock server, CRUD mode) and the Datadog simulator run here; the packaged operator runs as its own process against
 * them; the files in examples/ are applied; and what reaches Datadog is told as it happens.
 */
public final class Demo {
    static final Path WORK = Path.of("target/demo");
    static final String API_KEY = "demo-api-key";
    static final String APP_KEY = "demo-app-key";

    private final MockCluster cluster;
    private final DatadogSimulator datadog;
    private final KubernetesClient client;

    private Demo(MockCluster cluster, DatadogSimulator datadog) {
        this.cluster = cluster;
        this.datadog = datadog;
        this.client = cluster.client();
    }

    /** The mock API server logs every request at INFO through java.util.logging; the story is told here instead. */
    private static final java.util.logging.Logger QUIET =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    public static void main(String[] args) throws Exception {
        QUIET.setLevel(java.util.logging.Level.WARNING);
        Files.createDirectories(WORK);
        boolean keep = "1".equals(System.getenv("DEMO_KEEP"));
        try (MockCluster cluster = MockCluster.start();
                DatadogSimulator datadog = new DatadogSimulator(API_KEY, APP_KEY)) {
            datadog.start();
            Path kubeconfig = Kubeconfig.write(WORK.resolve("kubeconfig"), cluster.url());
            say("mimamori demo");
            say("  Kubernetes API (embedded mock, CRUD mode)  %s", cluster.url());
            say("  Datadog API (simulator)                     %s", datadog.url());
            say("  CRDs installed from crds/:                  %s", String.join(", ", cluster.crdNames()));
            Map<String, String> env = Map.of(
                    "MIMAMORI_DATADOG_URL",
                    datadog.url(),
                    "DD_API_KEY",
                    API_KEY,
                    "DD_APP_KEY",
                    APP_KEY,
                    "MIMAMORI_CLUSTER_NAME",
                    "demo",
                    "MIMAMORI_RESYNC_INTERVAL",
                    "5s",
                    "MIMAMORI_TELEMETRY_BATCH_DELAY",
                    "2s");
            try (OperatorProcess operator = OperatorProcess.start(kubeconfig, env, WORK.resolve("operator.log"))) {
                say("  operator: java -jar %s (log: %s)", operator.jarPath(), WORK.resolve("operator.log"));
                Demo demo = new Demo(cluster, datadog);
                demo.monitorsAct(operator);
                // The release and contention acts run at the same time so the demo stays short.
                ReleaseAct release = new ReleaseAct(cluster.client(), datadog);
                ContentionAct contention = new ContentionAct(cluster.client(), datadog, release);
                release.start(operator);
                contention.start();
                release.finish(operator);
                contention.finish(operator);
                if (keep) {
                    say("");
                    say("DEMO_KEEP=1: still running. Try:");
                    say("  kubectl --kubeconfig %s get mimamori -A", kubeconfig.toAbsolutePath());
                    say(
                            "  kubectl --kubeconfig %s apply --validate=false -f examples/servicemonitoring-full.yaml",
                            kubeconfig.toAbsolutePath());
                    say("  (--validate=false: the embedded API server publishes no OpenAPI schemas)");
                    say("Press Ctrl-C to stop.");
                    Thread.currentThread().join();
                }
            }
        }
        say("");
        say("demo finished.");
        // The embedded servers leave non-daemon threads behind; the demo is over.
        System.exit(0);
    }

    private void monitorsAct(OperatorProcess operator) throws Exception {
        heading("1. A service team applies the files in examples/");
        List<String> serviceMonitorings = applyExamples();
        // A third service: a batch job nobody instrumented with APM, so Datadog never receives its traces.
        datadog.silenceMetrics("legacy-batch", "prod", "trace.");
        ServiceMonitoring blind = new ServiceMonitoring();
        blind.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withNamespace("shop")
                .withName("legacy-batch")
                .build());
        blind.setSpec(new dev.mimamori.api.ServiceMonitoringSpec());
        blind.getSpec().service = "legacy-batch";
        blind.getSpec().env = "prod";
        blind.getSpec().team = "back-office";
        blind.getSpec().profile = "web-service";
        client.resource(blind).create();
        say("  applied (by the demo, sends no traces)       ServiceMonitoring shop/legacy-batch, profile web-service");
        serviceMonitorings.add("shop/legacy-batch");
        for (String key : serviceMonitorings) {
            String[] nsName = key.split("/");
            ServiceMonitoring sm = awaitReady(operator, nsName[0], nsName[1]);
            printMonitors(sm);
        }
        say("");
        say("  What each team sees in its status (dashboard link, SLOs, telemetry):");
        for (String key : serviceMonitorings) {
            String[] nsName = key.split("/");
            printServiceView(awaitTelemetryChecked(operator, nsName[0], nsName[1]));
        }
        say("");
        say(
                "  Datadog holds %d dashboards for %d services (one per profile and trace operation in use) and %d SLOs.",
                datadog.dashboards().size(),
                serviceMonitorings.size(),
                datadog.slos().size());
        say("Datadog calls so far: %s", datadog.callCounts());

        heading("2. Someone edits a managed monitor in the Datadog UI");
        ServiceMonitoring checkout = get("shop", "checkout");
        JsonNode latency = monitorOf("shop/checkout", "latency-p95");
        long id = latency.path("id").asLong();
        String query = latency.path("query").asText();
        datadog.editMonitor(id, m -> {
            m.put("query", query.replaceAll("> \\d+$", "> 5000"));
            ((ObjectNode) m.with("options").with("thresholds")).put("critical", 5000);
        });
        say("  monitor %d query now: %s", id, datadog.monitor(id).path("query").asText());
        Instant edited = Instant.now();
        await(
                operator,
                Duration.ofSeconds(60),
                () -> query.equals(datadog.monitor(id).path("query").asText()));
        say(
                "  repaired by the operator's drift check after %ds: %s",
                Duration.between(edited, Instant.now()).toSeconds(),
                datadog.monitor(id).path("query").asText());

        heading("3. Someone deletes a managed monitor in Datadog");
        long errorRate = monitorOf("shop/checkout", "error-rate").path("id").asLong();
        datadog.deleteMonitor(errorRate);
        say("  deleted monitor %d (error-rate of checkout)", errorRate);
        await(operator, Duration.ofSeconds(60), () -> hasMonitor("shop/checkout", "error-rate"));
        say(
                "  recreated as monitor %d",
                monitorOf("shop/checkout", "error-rate").path("id").asLong());

        heading("4. The team deletes its ServiceMonitoring");
        int before = datadog.monitorsTagged("mimamori-owner:shop/checkout").size();
        client.resource(checkout).delete();
        await(operator, Duration.ofSeconds(60), () -> get("shop", "checkout") == null);
        say(
                "  shop/checkout had %d monitors in Datadog; now %d (the finalizer removed them first)",
                before, datadog.monitorsTagged("mimamori-owner:shop/checkout").size());
        say(
                "  monitors still managed for other services: %d",
                datadog.monitorsTagged("managed-by:mimamori").size());
        say("Datadog calls in all: %s", datadog.callCounts());
    }

    private List<String> applyExamples() throws Exception {
        List<String> serviceMonitorings = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("examples"))) {
            files = list.filter(p -> p.toString().endsWith(".yaml"))
                    .sorted(Comparator.comparing(
                                    (Path p) -> !p.getFileName().toString().contains("profile"))
                            .thenComparing(Path::toString))
                    .toList();
        }
        for (Path file : files) {
            for (HasMetadata item : Manifests.read(file)) {
                String ns = item.getMetadata().getNamespace();
                if (ns != null) {
                    client.namespaces()
                            .resource(new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(ns)
                                    .endMetadata()
                                    .build())
                            .createOr(existing -> existing.update());
                }
                client.resource(item).createOr(existing -> existing.update());
                say(
                        "  applied %-38s %s %s",
                        file,
                        item.getKind(),
                        (ns == null ? "" : ns + "/") + item.getMetadata().getName());
                if (item instanceof ServiceMonitoring) {
                    serviceMonitorings.add(ns + "/" + item.getMetadata().getName());
                }
            }
        }
        return serviceMonitorings;
    }

    private void printMonitors(ServiceMonitoring sm) {
        say("");
        say(
                "  %s/%s  service=%s env=%s  profile=%s  Ready=%s (%s)",
                sm.getMetadata().getNamespace(),
                sm.getMetadata().getName(),
                sm.getSpec().service,
                sm.getSpec().env,
                sm.getSpec().profileName(),
                ready(sm).getStatus(),
                ready(sm).getMessage());
        List<JsonNode> monitors = new ArrayList<>(datadog.monitorsTagged("mimamori-owner:" + sm.ownerKey()));
        monitors.sort(Comparator.comparingLong(m -> m.path("id").asLong()));
        for (JsonNode m : monitors) {
            say(
                    "    #%-8d %-58s critical %s",
                    m.path("id").asLong(),
                    m.path("name").asText(),
                    m.path("options").path("thresholds").path("critical").asText());
            say("              %s", m.path("query").asText());
        }
    }

    private void printServiceView(ServiceMonitoring sm) {
        say("");
        say("  %s", sm.ownerKey());
        if (sm.getStatus().dashboard != null) {
            say("    dashboard  %s", sm.getStatus().dashboard.url);
        }
        for (dev.mimamori.api.SloStatus slo :
                sm.getStatus().slos == null ? List.<dev.mimamori.api.SloStatus>of() : sm.getStatus().slos) {
            long alerts = datadog.monitorsTagged("mimamori-owner:" + sm.ownerKey()).stream()
                    .filter(m -> m.path("query").asText().contains(slo.id))
                    .count();
            say(
                    "    SLO        %-13s %s%% over %s, %d burn-rate alerts  %s",
                    slo.name, slo.target, slo.timeframe, alerts, slo.url);
        }
        Condition telemetry = Conditions.find(sm.getStatus().conditions, Conditions.TELEMETRY_FOUND);
        say("    TelemetryFound=%s (%s): %s", telemetry.getStatus(), telemetry.getReason(), telemetry.getMessage());
        say("    Ready=%s: %s", ready(sm).getStatus(), ready(sm).getMessage());
    }

    private ServiceMonitoring awaitTelemetryChecked(OperatorProcess operator, String ns, String name) throws Exception {
        await(operator, Duration.ofSeconds(60), () -> {
            ServiceMonitoring sm = get(ns, name);
            Condition telemetry = sm == null || sm.getStatus() == null
                    ? null
                    : Conditions.find(sm.getStatus().conditions, Conditions.TELEMETRY_FOUND);
            return telemetry != null && !"Unknown".equals(telemetry.getStatus());
        });
        return get(ns, name);
    }

    private ServiceMonitoring awaitReady(OperatorProcess operator, String ns, String name) throws Exception {
        await(operator, Duration.ofSeconds(120), () -> {
            Condition ready = ready(get(ns, name));
            return ready != null && "True".equals(ready.getStatus());
        });
        return get(ns, name);
    }

    private ServiceMonitoring get(String ns, String name) {
        return client.resources(ServiceMonitoring.class)
                .inNamespace(ns)
                .withName(name)
                .get();
    }

    private static Condition ready(ServiceMonitoring sm) {
        return sm == null || sm.getStatus() == null ? null : Conditions.find(sm.getStatus().conditions, "Ready");
    }

    private JsonNode monitorOf(String owner, String template) {
        return datadog.monitorsTagged("mimamori-owner:" + owner, "mimamori-monitor:" + template)
                .get(0);
    }

    private boolean hasMonitor(String owner, String template) {
        return !datadog.monitorsTagged("mimamori-owner:" + owner, "mimamori-monitor:" + template)
                .isEmpty();
    }

    static void await(OperatorProcess operator, Duration timeout, BooleanSupplier condition) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (!operator.isAlive()) {
                throw new IllegalStateException("the operator stopped; its log ends with:\n" + operator.logTail(40));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        "timed out after " + timeout.toSeconds() + "s; operator log:\n" + operator.logTail(40));
            }
            Thread.sleep(250);
        }
    }

    static void heading(String text) {
        say("");
        say("== %s", text);
    }

    static void say(String format, Object... args) {
        System.out.println(args.length == 0 ? format : String.format(format, args));
    }

    /** Reads our kinds (and Secrets) from a YAML file of one or more documents. */
    static final class Manifests {
        static List<HasMetadata> read(Path file) throws Exception {
            List<HasMetadata> items = new ArrayList<>();
            for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
                if (document.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                    continue;
                }
                Map<String, Object> raw = Serialization.unmarshal(document, Map.class);
                Class<? extends HasMetadata> type = switch (String.valueOf(raw.get("kind"))) {
                    case "ServiceMonitoring" -> ServiceMonitoring.class;
                    case "MonitoringProfile" -> MonitoringProfile.class;
                    case "Secret" -> Secret.class;
                    default -> throw new IllegalArgumentException(file + ": unexpected kind " + raw.get("kind"));
                };
                items.add(Serialization.unmarshal(document, type));
            }
            return items;
        }
    }
}
