package dev.mimamori.demo;

import static dev.mimamori.demo.Demo.heading;
import static dev.mimamori.demo.Demo.say;

import dev.mimamori.api.AnalysisSpec;
import dev.mimamori.api.MetricStatus;
import dev.mimamori.api.OnFailure;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.WorkloadRef;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.sim.SeriesScript;
import dev.mimamori.testing.OperatorProcess;
import dev.mimamori.testing.Rollouts;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * The demo's second act: v1 runs, v2 brings a latency regression and is rolled back, v3 is clean and passes. The
 * demo plays the Deployment controller (the embedded API server has none) and Datadog's metrics (the simulator).
 * The analysis is shortened (seconds instead of minutes) so the act takes about four minutes.
 */
final class ReleaseAct {
    private static final long BUCKET_MS = 10_000;
    private final KubernetesClient client;
    private final DatadogSimulator datadog;
    private final Map<String, LongFunction<Double>> latencyByVersion = new ConcurrentHashMap<>();

    ReleaseAct(KubernetesClient client, DatadogSimulator datadog) {
        this.client = client;
        this.datadog = datadog;
        datadog.scriptMetrics((query, t) -> {
            String version = query.replaceAll(".*version:([^,}]+).*", "$1");
            LongFunction<Double> latency = latencyByVersion.get(version);
            if (latency == null) {
                return null;
            }
            // 0.2% of 600 requests fail; p95 in seconds, as APM reports it (the gate query multiplies by 1000).
            return query.contains(".hits{") ? 600.0 : query.contains(".errors{") ? 1.2 : latency.apply(t) / 1000;
        });
    }

    void run(OperatorProcess operator) throws Exception {
        heading("5. checkout v1 is live; its p95 latency is about 200 ms");
        latencyByVersion.put("1.0.0", series(1.0, 1));
        Deployment deployment = Rollouts.deploy(client, "shop", "checkout", "checkout", "prod", "1.0.0");
        say("  Deployment shop/checkout at revision 1 (tags.datadoghq.com/version=1.0.0)");
        Thread.sleep(Duration.ofSeconds(20).toMillis());

        heading("6. v2 rolls out with a 60% latency regression; its ReleaseCheck says onFailure: Rollback");
        latencyByVersion.put("2.0.0", series(1.6, 2));
        deployment = rollout(deployment, 2, "2.0.0");
        ReleaseCheck v2 = await(operator, createCheck("checkout-2"));
        table(v2);
        Deployment afterRollback = client.resource(deployment).get();
        say(
                "  Deployment now runs %s (annotation mimamori.dev/release-check=%s)",
                afterRollback.getSpec().getTemplate().getMetadata().getLabels().get("tags.datadoghq.com/version"),
                afterRollback.getMetadata().getAnnotations().get("mimamori.dev/release-check"));
        // The controller would turn the restored template into revision 3 (the v1 ReplicaSet comes back).
        deployment = markRevision(afterRollback, 3);
        Thread.sleep(Duration.ofSeconds(20).toMillis());

        heading("7. v3 fixes it and rolls out");
        latencyByVersion.put("3.0.0", series(1.0, 3));
        deployment = rollout(deployment, 4, "3.0.0");
        ReleaseCheck v3 = await(operator, createCheck("checkout-4"));
        table(v3);
        say("  Datadog events posted by the gate: %d", datadog.events().size());
    }

    private static LongFunction<Double> series(double factor, long seed) {
        return new SeriesScript(SeriesScript.MODERATE_TRAFFIC, seed).p95LatencyMsAt(factor, BUCKET_MS);
    }

    private Deployment rollout(Deployment deployment, long revision, String version) {
        Deployment current = client.resource(deployment).get();
        current.getSpec().setTemplate(Rollouts.template("checkout", "checkout", "prod", version));
        current.getMetadata().getAnnotations().put(Rollouts.REVISION, String.valueOf(revision));
        current = client.resource(current).update();
        Rollouts.replicaSet(client, current, revision, current.getSpec().getTemplate());
        say("  Deployment shop/checkout at revision %d (version %s)", revision, version);
        return current;
    }

    private Deployment markRevision(Deployment deployment, long revision) {
        Deployment current = client.resource(deployment).get();
        current.getMetadata().getAnnotations().put(Rollouts.REVISION, String.valueOf(revision));
        Rollouts.replicaSet(client, current, revision, current.getSpec().getTemplate());
        return client.resource(current).update();
    }

    private ReleaseCheck createCheck(String name) {
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(
                new ObjectMetaBuilder().withNamespace("shop").withName(name).build());
        ReleaseCheckSpec spec = new ReleaseCheckSpec();
        spec.workload = new WorkloadRef();
        spec.workload.name = "checkout";
        spec.onFailure = OnFailure.Rollback;
        spec.analysis = new AnalysisSpec();
        spec.analysis.warmup = "10s";
        spec.analysis.duration = "100s";
        spec.analysis.interval = "10s";
        spec.analysis.dataDelay = "10s";
        check.setSpec(spec);
        say(
                "  kubectl apply: ReleaseCheck shop/%s (analysis shortened for the demo: warmup 10s, window 100s, 10s buckets)",
                name);
        return client.resource(check).create();
    }

    private ReleaseCheck await(OperatorProcess operator, ReleaseCheck check) throws Exception {
        String[] lastPhase = {""};
        Demo.await(operator, Duration.ofMinutes(4), () -> {
            ReleaseCheck current = client.resource(check).get();
            String phase = current.getStatus() == null ? "" : current.getStatus().phase;
            if (!phase.equals(lastPhase[0])) {
                say("  phase: %s", phase);
                lastPhase[0] = phase;
            }
            return current.getStatus() != null
                    && current.getStatus().isFinished()
                    && (current.getStatus().action == null || !"Pending".equals(current.getStatus().action.result));
        });
        return client.resource(check).get();
    }

    private void table(ReleaseCheck check) {
        var s = check.getStatus();
        say("");
        say(
                "  %s: %s vs %s  ->  %s",
                check.getMetadata().getName(),
                s.release.candidateVersion,
                s.release.baselineVersion == null ? "(before the rollout)" : s.release.baselineVersion,
                s.verdict);
        say(
                "  %-18s %9s %9s %9s %9s %9s %8s  %s",
                "metric", "base n", "base med", "cand n", "cand med", "change", "p", "verdict");
        for (MetricStatus m : s.metrics) {
            say(
                    "  %-18s %9d %9s %9d %9s %8s%% %8s  %s",
                    m.name,
                    m.baselineCount,
                    fmt(m.baselineMedian),
                    m.candidateCount,
                    fmt(m.candidateMedian),
                    m.changePercent == null ? "-" : String.format("%+.1f", m.changePercent),
                    m.pValue == null ? "-" : String.format("%.2g", m.pValue),
                    m.verdict);
        }
        say("  message: %s", s.message);
    }

    private static String fmt(Double value) {
        return value == null ? "-" : value < 1 ? String.format("%.4f", value) : String.format("%.1f", value);
    }
}
