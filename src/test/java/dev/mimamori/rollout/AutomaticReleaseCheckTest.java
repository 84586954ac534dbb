package dev.mimamori.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckTemplate;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import dev.mimamori.testing.Rollouts;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rollouts of Deployments selected by a ServiceMonitoring's releaseCheck section get exactly one ReleaseCheck each.
 * The mock API server runs no Deployment controller, so each "rollout" below is what the controller would write: a
 * new pod template, a new ReplicaSet and the next revision annotation.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class AutomaticReleaseCheckTest {
    @Inject
    KubernetesClient client;

    void monitored(String namespace, String service, Integer historyLimit) {
        ServiceMonitoring sm = Resources.serviceMonitoring(namespace, service, service, "prod");
        sm.getSpec().releaseCheck = new ReleaseCheckTemplate();
        sm.getSpec().releaseCheck.historyLimit = historyLimit;
        client.resource(sm).create();
    }

    /** What the Deployment controller does on a pod template change. */
    Deployment rollout(Deployment deployment, long revision, String version) {
        Deployment current = client.resource(deployment).get();
        current.getSpec().setTemplate(Rollouts.template(current.getMetadata().getName(), "api", "prod", version));
        current.getMetadata().getAnnotations().put(Rollouts.REVISION, String.valueOf(revision));
        Rollouts.replicaSet(client, current, revision, current.getSpec().getTemplate());
        return client.resource(current).update();
    }

    List<String> checksOf(String namespace, String deployment) {
        return client
                .resources(ReleaseCheck.class)
                .inNamespace(namespace)
                .withLabel(RolloutGate.WORKLOAD_LABEL, deployment)
                .list()
                .getItems()
                .stream()
                .map(c -> c.getMetadata().getName())
                .sorted()
                .toList();
    }

    @Test
    void aRolloutCreatesExactlyOneCheckOwnedByTheDeploymentAndAScaleCreatesNone() {
        Resources.namespace(client, "auto");
        monitored("auto", "api", null);
        Deployment deployment = Rollouts.deploy(client, "auto", "api", "api", "prod", "1.0.0");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> checksOf("auto", "api").equals(List.of("api-1")));

        deployment = rollout(deployment, 2, "1.1.0");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> checksOf("auto", "api").size() == 2);
        ReleaseCheck check = client.resources(ReleaseCheck.class)
                .inNamespace("auto")
                .withName("api-2")
                .get();
        assertThat(check.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getUid())
                        .isEqualTo(client.resource(client.apps()
                                        .deployments()
                                        .inNamespace("auto")
                                        .withName("api")
                                        .get())
                                .get()
                                .getMetadata()
                                .getUid()));
        assertThat(check.getSpec().service).isEqualTo("api");
        assertThat(check.getSpec().workload.name).isEqualTo("api");

        Deployment scaled = client.resource(deployment).get();
        scaled.getSpec().setReplicas(7);
        scaled.getMetadata().getLabels().put("tier", "frontend");
        client.resource(scaled).update();
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        assertThat(checksOf("auto", "api")).containsExactly("api-1", "api-2");
    }

    @Test
    void aGatingServiceMonitoringThatArrivesAfterTheRolloutStillGatesIt() {
        // One kubectl apply or Argo CD sync of a directory: the rollout can reach the operator first.
        Resources.namespace(client, "auto-late");
        Rollouts.deploy(client, "auto-late", "api", "api", "prod", "1.0.0", "1.1.0");
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        assertThat(checksOf("auto-late", "api")).isEmpty();

        monitored("auto-late", "api", null);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> checksOf("auto-late", "api").equals(List.of("api-2")));
    }

    @Test
    void anOptedOutOrUnmonitoredDeploymentIsSkipped() {
        Resources.namespace(client, "auto-skip");
        monitored("auto-skip", "api", null);
        Deployment optedOut = Rollouts.deploy(
                client, "auto-skip", "api", "api", "prod", Map.of("mimamori.dev/release-check", "disabled"), "1.0.0");
        rollout(optedOut, 2, "1.1.0");
        Rollouts.deploy(client, "auto-skip", "other", "other", "prod", "1.0.0", "2.0.0");

        await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
        assertThat(client.resources(ReleaseCheck.class)
                        .inNamespace("auto-skip")
                        .list()
                        .getItems())
                .isEmpty();
    }

    @Test
    void historyIsPrunedToTheLimit() {
        Resources.namespace(client, "auto-history");
        monitored("auto-history", "api", 2);
        Deployment deployment = Rollouts.deploy(client, "auto-history", "api", "api", "prod", "1.0.0");
        for (int revision = 2; revision <= 5; revision++) {
            deployment = rollout(deployment, revision, "1." + revision + ".0");
            String expected = "api-" + revision;
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> checksOf("auto-history", "api").contains(expected));
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> checksOf("auto-history", "api").equals(List.of("api-4", "api-5")));
    }

    @Test
    void aNewerRolloutSupersedesARunningCheck() {
        Resources.namespace(client, "auto-supersede");
        monitored("auto-supersede", "api", null);
        Deployment deployment = Rollouts.deploy(client, "auto-supersede", "api", "api", "prod", "1.0.0", "1.1.0");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> checksOf("auto-supersede", "api").contains("api-2"));
        await().atMost(Duration.ofSeconds(20)).until(() -> phase("auto-supersede", "api-2") != null);

        deployment = rollout(deployment, 3, "1.2.0");

        await().atMost(Duration.ofSeconds(20)).until(() -> "Superseded".equals(phase("auto-supersede", "api-2")));
        ReleaseCheck superseded = client.resources(ReleaseCheck.class)
                .inNamespace("auto-supersede")
                .withName("api-2")
                .get();
        assertThat(superseded.getStatus().action).isNull();
        assertThat(superseded.getStatus().message).contains("revision 3");
        // The old check can see revision 3 before the rollout controller has created its check.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> checksOf("auto-supersede", "api").contains("api-3"));
        Map<String, String> annotations =
                client.resource(deployment).get().getMetadata().getAnnotations();
        assertThat(annotations).doesNotContainKey("mimamori.dev/release-check-summary");
    }

    @Test
    void afterAnOperatorRestartTheSameRolloutGetsNoSecondCheck() {
        Resources.namespace(client, "auto-restart");
        monitored("auto-restart", "api", null);
        Rollouts.deploy(client, "auto-restart", "api", "api", "prod", "1.0.0", "1.1.0");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> checksOf("auto-restart", "api").contains("api-2"));
        ReleaseCheck first = client.resources(ReleaseCheck.class)
                .inNamespace("auto-restart")
                .withName("api-2")
                .get();

        // A restarted operator starts from an empty cache: it must find the check by its name, not create another.
        DeploymentRolloutRestart.runFreshInstance(client, "auto-restart");

        assertThat(checksOf("auto-restart", "api")).containsExactly("api-2");
        assertThat(client.resources(ReleaseCheck.class)
                        .inNamespace("auto-restart")
                        .withName("api-2")
                        .get()
                        .getMetadata()
                        .getUid())
                .isEqualTo(first.getMetadata().getUid());
    }

    String phase(String namespace, String name) {
        ReleaseCheck check = client.resources(ReleaseCheck.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
        return check == null || check.getStatus() == null ? null : check.getStatus().phase;
    }
}
