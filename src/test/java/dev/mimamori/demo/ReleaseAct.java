package dev.mimamori.demo;

import static dev.mimamori.demo.Demo.heading;
import static dev.mimamori.demo.Demo.say;

import dev.mimamori.api.AnalysisSpec;
import dev.mimamori.api.Comparison;
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
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * The demo's second act, three releases at once: checkout 2.0.0 brings a latency regression and cart 2.0.0 is clean,
 * each held while its old and new pods serve side by side (spec.comparison Concurrent); search 2.0.0 is judged
 * against the minutes before its rollout (the default). The demo plays the Deployment and ReplicaSet controllers
 * (the embedded API server has none) and Datadog's per-version metrics (the simulator). The analysis is shortened
 * through each check's spec (10 s buckets, a 100 s window, 95% confidence) so the act takes under two minutes.
 */
final class ReleaseAct {
    private static final long BUCKET_MS = 10_000;
    private static final String NS = "shop";
    private final KubernetesClient client;
    private final DatadogSimulator datadog;
    private final Map<String, LongFunction<Double>> latency = new ConcurrentHashMap<>();
    private List<ReleaseCheck> checks = List.of();

    ReleaseAct(KubernetesClient client, DatadogSimulator datadog) {
        this.client = client;
        this.datadog = datadog;
        datadog.scriptMetrics((query, t) -> {
            String service = query.replaceAll(".*service:([^,}]+).*", "$1");
            String version = query.replaceAll(".*version:([^,}]+).*", "$1");
            LongFunction<Double> p95 = latency.get(service + ":" + version);
            if (p95 == null) {
                return null;
            }
            // 0.2% of 600 requests fail; p95 in seconds, as APM reports it (the gate query multiplies by 1000).
            return query.contains(".hits{") ? 600.0 : query.contains(".errors{") ? 1.2 : p95.apply(t) / 1000;
        });
    }

    /** Another act's service and version answer through this act's script: the simulator has one script. */
    void script(String service, String version, LongFunction<Double> p95) {
        latency.put(service + ":" + version, p95);
    }

    /** Rolls the three services out and holds two of them; {@link #finish} awaits and tells the verdicts. */
    void start(OperatorProcess operator) throws Exception {
        heading("5. checkout, cart and search run 1.0.0 (3 pods each, p95 latency about 200 ms)");
        for (String service : List.of("checkout", "cart", "search")) {
            latency.put(service + ":1.0.0", series(1.0, service.length()));
            Rollouts.deploy(client, NS, service, service, "prod", "1.0.0");
            pods(service, 1, 3);
        }
        latency.put("checkout:2.0.0", series(1.6, 2));
        latency.put("cart:2.0.0", series(1.0, 3));
        latency.put("search:2.0.0", series(1.0, 4));

        heading("6. All three roll out 2.0.0; checkout's carries a 60% latency regression");
        for (String service : List.of("checkout", "cart", "search")) {
            rollout(service, 2, "2.0.0");
        }
        say("  The controller starts one 2.0.0 pod beside the three 1.0.0 pods (maxSurge 25%) of each.");
        for (String service : List.of("checkout", "cart", "search")) {
            pods(service, 2, 1);
        }
        checks = List.of(
                createCheck("checkout", Comparison.Concurrent),
                createCheck("cart", Comparison.Concurrent),
                createCheck("search", null));
        Demo.await(operator, Duration.ofSeconds(60), () -> isPaused("checkout") && isPaused("cart"));
        for (String service : List.of("checkout", "cart")) {
            say(
                    "  Deployment shop/%s paused by mimamori (%s=%s): 1.0.0 and 2.0.0 serve side by side",
                    service,
                    "mimamori.dev/held-by",
                    deployment(service).getMetadata().getAnnotations().get("mimamori.dev/held-by"));
        }
        say("  search keeps rolling: its 2.0.0 minutes will be compared with 1.0.0's minutes before the rollout.");
        pods("search", 2, 3);
        pods("search", 1, 0);
    }

    void finish(OperatorProcess operator) throws Exception {
        heading("8. The verdicts of checkout, cart and search");
        awaitAll(operator, checks);
        for (ReleaseCheck check : checks) {
            table(client.resource(check).get());
        }
        Deployment checkout = deployment("checkout");
        say("");
        say(
                "  checkout now runs %s, paused=%s (the rollback resumed it; annotation mimamori.dev/release-check=%s)",
                checkout.getSpec().getTemplate().getMetadata().getLabels().get("tags.datadoghq.com/version"),
                checkout.getSpec().getPaused(),
                checkout.getMetadata().getAnnotations().get("mimamori.dev/release-check"));
        Deployment cart = deployment("cart");
        say(
                "  cart runs %s, paused=%s: the hold is lifted and the controller replaces the other 1.0.0 pods",
                cart.getSpec().getTemplate().getMetadata().getLabels().get("tags.datadoghq.com/version"),
                cart.getSpec().getPaused());
        pods("cart", 2, 3);
        pods("cart", 1, 0);
        say("  Datadog events posted by the gate: %d", datadog.events().size());
    }

    /**
     * Noisy p95 whose buckets alternate above and below the median, so that the gate's serial-dependence estimate,
     * taken from only ten buckets a side, cannot by chance widen the test past any verdict.
     */
    static LongFunction<Double> series(double factor, long seed) {
        double median = SeriesScript.MODERATE_TRAFFIC.p95MedianMs() * factor;
        LongFunction<Double> noisy =
                new SeriesScript(SeriesScript.MODERATE_TRAFFIC, seed).p95LatencyMsAt(factor, BUCKET_MS);
        return t -> {
            double value = noisy.apply(t);
            double spread = Math.abs(Math.log(value / median));
            return median * Math.exp((t / BUCKET_MS) % 2 == 0 ? spread : -spread);
        };
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    private boolean isPaused(String name) {
        return Boolean.TRUE.equals(deployment(name).getSpec().getPaused());
    }

    private void rollout(String name, long revision, String version) {
        Deployment current = deployment(name);
        current.getSpec().setTemplate(Rollouts.template(name, name, "prod", version));
        current.getMetadata().getAnnotations().put(Rollouts.REVISION, String.valueOf(revision));
        current = client.resource(current).update();
        Rollouts.replicaSet(client, current, revision, current.getSpec().getTemplate());
        say("  Deployment shop/%s at revision %d (version %s)", name, revision, version);
    }

    /** What the ReplicaSet controller would report: the revision's ReplicaSet runs {@code ready} ready pods. */
    private void pods(String deployment, long revision, int ready) {
        ReplicaSet rs = client.apps().replicaSets().inNamespace(NS).list().getItems().stream()
                .filter(r -> r.getMetadata().getName().startsWith(deployment + "-"))
                .filter(r -> String.valueOf(revision)
                        .equals(r.getMetadata().getAnnotations().get(Rollouts.REVISION)))
                .findFirst()
                .orElseThrow();
        client.resource(rs).edit(r -> {
            r.getSpec().setReplicas(ready);
            return r;
        });
        client.apps()
                .replicaSets()
                .inNamespace(NS)
                .withName(rs.getMetadata().getName())
                .editStatus(r -> {
                    r.setStatus(new ReplicaSetStatus());
                    r.getStatus().setReplicas(ready);
                    r.getStatus().setReadyReplicas(ready);
                    return r;
                });
    }

    private ReleaseCheck createCheck(String name, Comparison comparison) {
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(
                new ObjectMetaBuilder().withNamespace(NS).withName(name + "-2").build());
        ReleaseCheckSpec spec = new ReleaseCheckSpec();
        spec.workload = new WorkloadRef();
        spec.workload.name = name;
        spec.onFailure = OnFailure.Rollback;
        spec.comparison = comparison;
        spec.analysis = new AnalysisSpec();
        spec.analysis.warmup = "5s";
        spec.analysis.duration = "100s";
        // Ten buckets a side reach 95% confidence with room to spare; 99% needs the default fifteen minutes.
        spec.analysis.confidence = 0.95;
        spec.analysis.interval = "10s";
        spec.analysis.dataDelay = "2s";
        check.setSpec(spec);
        say(
                "  kubectl apply: ReleaseCheck shop/%s, onFailure Rollback, comparison %s (analysis shortened for the"
                        + " demo: warmup 5s, a 100s window of 10s buckets, 95%% confidence)",
                name + "-2", comparison == null ? "Sequential (the default)" : comparison);
        return client.resource(check).create();
    }

    private void awaitAll(OperatorProcess operator, List<ReleaseCheck> checks) throws Exception {
        Map<String, String> lastPhase = new HashMap<>();
        Demo.await(operator, Duration.ofMinutes(3), () -> {
            boolean all = true;
            for (ReleaseCheck check : checks) {
                ReleaseCheck current = client.resource(check).get();
                var s = current.getStatus();
                String phase = s == null || s.phase == null ? "" : s.phase;
                if (!phase.equals(lastPhase.put(check.getMetadata().getName(), phase))) {
                    say("  %-11s phase: %s", check.getMetadata().getName(), phase);
                }
                all &= s != null && s.isFinished() && (s.action == null || !"Pending".equals(s.action.result));
            }
            return all;
        });
    }

    private void table(ReleaseCheck check) {
        var s = check.getStatus();
        say("");
        say(
                "  %s (%s): %s vs %s  ->  %s",
                check.getMetadata().getName(),
                s.release.mode,
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
