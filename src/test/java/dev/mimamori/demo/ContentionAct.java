package dev.mimamori.demo;

import static dev.mimamori.demo.Demo.heading;
import static dev.mimamori.demo.Demo.say;

import dev.mimamori.api.AnalysisSpec;
import dev.mimamori.api.AttributionStatus;
import dev.mimamori.api.OnFailure;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.WorkloadRef;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.OperatorProcess;
import dev.mimamori.testing.Rollouts;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongFunction;

/**
 * The demo's contention act: two releases judged side by side while a batch job lands on one of their nodes. catalog
 * 5.1 is as fast as 5.0 but its node is saturated by the job: the gate attributes the slowdown to the neighbour and
 * does not roll it back. payments 8.1 is slower on a quiet node: it is rolled back. Short windows (10s buckets), and
 * both checks run while the release act's do, so the act adds little to the demo's time.
 */
final class ContentionAct {
    private final KubernetesClient client;
    private final DatadogSimulator datadog;
    private final ReleaseAct release;
    private ReleaseCheck catalog;
    private ReleaseCheck payments;

    /** The series are scripted through {@code release}, whose act runs at the same time. */
    ContentionAct(KubernetesClient client, DatadogSimulator datadog, ReleaseAct release) {
        this.client = client;
        this.datadog = datadog;
        this.release = release;
    }

    /** Rolls two more services out while a batch job lands; {@link #finish} awaits and tells the verdicts. */
    void start() {
        heading("7. Meanwhile a batch job lands on a node while two more releases roll out");
        datadog.scriptNode("node-shared", 4, 0, 0.6);
        datadog.scriptNode("node-quiet", 8, 0, 0.6);
        datadog.scriptContainer("node-shared", "catalog-7d4f", "catalog", "prod", 1.0);
        datadog.scriptContainer("node-quiet", "payments-5b2c", "payments", "prod", 1.0);
        // catalog's new version is as fast as the old; the job will make it slower. payments' new version is slower.
        release.script("catalog", "5.0.0", ReleaseAct.series(1.0, 51));
        release.script("payments", "8.0.0", ReleaseAct.series(1.0, 81));
        release.script("payments", "8.1.0", ReleaseAct.series(1.5, 82));
        Rollouts.deploy(client, "shop", "catalog", "catalog", "prod", "5.0.0", "5.1.0");
        Rollouts.deploy(client, "shop", "payments", "payments", "prod", "8.0.0", "8.1.0");
        say("  catalog 5.0.0 -> 5.1.0 on node-shared (4 CPUs); payments 8.0.0 -> 8.1.0 on node-quiet (8 CPUs)");
        catalog = createCheck("catalog");
        payments = createCheck("payments");
        Instant landed = Instant.now();
        datadog.scriptContainer("node-shared", "nightly-etl-0", "nightly-etl", "batch", 4.0, landed);
        // The job slows catalog 5.1 by 40% from now on, through no fault of its own.
        LongFunction<Double> before = ReleaseAct.series(1.0, 52);
        LongFunction<Double> slowed = ReleaseAct.series(1.4, 52);
        release.script("catalog", "5.1.0", t -> t >= landed.toEpochMilli() ? slowed.apply(t) : before.apply(t));
        say("  nightly-etl (4 cores) starts on node-shared; payments' node stays quiet");
    }

    void finish(OperatorProcess operator) throws Exception {
        heading("9. The verdicts of catalog and payments");
        Demo.await(operator, Duration.ofMinutes(4), () -> finished(catalog) && finished(payments));
        tell(client.resource(catalog).get());
        tell(client.resource(payments).get());
        say("  catalog runs %s, payments runs %s", version("catalog"), version("payments"));
    }

    private ReleaseCheck createCheck(String workload) {
        ReleaseCheck check = new ReleaseCheck();
        check.setMetadata(new ObjectMetaBuilder()
                .withNamespace("shop")
                .withName(workload + "-contention")
                .build());
        ReleaseCheckSpec spec = new ReleaseCheckSpec();
        spec.workload = new WorkloadRef();
        spec.workload.name = workload;
        spec.onFailure = OnFailure.Rollback;
        spec.analysis = new AnalysisSpec();
        spec.analysis.warmup = "5s";
        spec.analysis.duration = "100s";
        spec.analysis.interval = "10s";
        spec.analysis.dataDelay = "10s";
        spec.analysis.confidence = 0.95;
        check.setSpec(spec);
        say(
                "  kubectl apply: ReleaseCheck shop/%s (onFailure: Rollback; window 100s of 10s buckets)",
                workload + "-contention");
        return client.resource(check).create();
    }

    private boolean finished(ReleaseCheck check) {
        ReleaseCheck current = client.resource(check).get();
        return current.getStatus() != null
                && current.getStatus().isFinished()
                && (current.getStatus().action == null || !"Pending".equals(current.getStatus().action.result));
    }

    private void tell(ReleaseCheck check) {
        var s = check.getStatus();
        AttributionStatus a = s.attribution;
        say("");
        say("  %s: %s", check.getMetadata().getName(), s.verdict);
        if (a != null) {
            say("    attribution: %s", a.cause);
            say("    %s", a.message);
        }
        say("    message: %s", s.message);
    }

    private String version(String deployment) {
        return client.apps()
                .deployments()
                .inNamespace("shop")
                .withName(deployment)
                .get()
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels()
                .get("tags.datadoghq.com/version");
    }
}
