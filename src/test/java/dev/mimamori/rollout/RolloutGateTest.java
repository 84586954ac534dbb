package dev.mimamori.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.AnalysisSpec;
import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ReleaseCheckTemplate;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.api.WorkloadSelector;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RolloutGateTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    static Deployment deployment(long revision, Map<String, String> labels, Map<String, String> annotations) {
        Map<String, String> all = new java.util.HashMap<>(annotations);
        all.put("deployment.kubernetes.io/revision", String.valueOf(revision));
        return new DeploymentBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withNamespace("ns")
                        .withName("api")
                        .withUid("uid-1")
                        .withLabels(labels)
                        .withAnnotations(all)
                        .build())
                .build();
    }

    static ReplicaSet rs(long revision, Instant created) {
        return new ReplicaSetBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withNamespace("ns")
                        .withName("api-" + revision)
                        .withCreationTimestamp(created.toString())
                        .withAnnotations(Map.of("deployment.kubernetes.io/revision", String.valueOf(revision)))
                        .withOwnerReferences(new OwnerReferenceBuilder()
                                .withUid("uid-1")
                                .withKind("Deployment")
                                .build())
                        .build())
                .build();
    }

    static ServiceMonitoring gating(String name, String service) {
        ServiceMonitoring sm = Resources.serviceMonitoring("ns", name, service, "prod");
        sm.getSpec().releaseCheck = new ReleaseCheckTemplate();
        return sm;
    }

    @Test
    void aRecentRevisionGetsACheckNamedAfterIt() {
        Deployment d = deployment(4, Map.of("tags.datadoghq.com/service", "api"), Map.of());
        Optional<ReleaseCheck> check = RolloutGate.checkFor(
                d, gating("api", "api"), List.of(rs(3, NOW.minusSeconds(3600)), rs(4, NOW.minusSeconds(30))), NOW);
        assertThat(check).isPresent();
        assertThat(check.get().getMetadata().getName()).isEqualTo("api-4");
        assertThat(check.get().getMetadata().getLabels()).containsEntry("mimamori.dev/revision", "4");
        assertThat(check.get().getMetadata().getOwnerReferences().get(0).getUid())
                .isEqualTo("uid-1");
    }

    @Test
    void aTemplateWithAnOverflowingDurationStillGetsItsCheckInsteadOfFailingTheReconcile() {
        ServiceMonitoring gating = gating("api", "api");
        gating.getSpec().releaseCheck.analysis = new AnalysisSpec();
        gating.getSpec().releaseCheck.analysis.warmup = "9223372036854775807h";
        Deployment d = deployment(4, Map.of("tags.datadoghq.com/service", "api"), Map.of());

        Optional<ReleaseCheck> check = RolloutGate.checkFor(d, gating, List.of(rs(4, NOW.minusSeconds(30))), NOW);

        // the check ends InvalidSpec with a message naming analysis.warmup (ReleaseCheckStepTest)
        assertThat(check).isPresent();
        assertThat(check.get().getSpec().analysis.warmup).isEqualTo("9223372036854775807h");
    }

    @Test
    void oldRevisionsOptOutsAndUnknownRevisionsGetNone() {
        Map<String, String> labels = Map.of("tags.datadoghq.com/service", "api");
        assertThat(RolloutGate.checkFor(
                        deployment(4, labels, Map.of()),
                        gating("api", "api"),
                        List.of(rs(4, NOW.minusSeconds(7200))),
                        NOW))
                .isEmpty();
        assertThat(RolloutGate.checkFor(
                        deployment(4, labels, Map.of("mimamori.dev/release-check", "disabled")),
                        gating("api", "api"),
                        List.of(rs(4, NOW)),
                        NOW))
                .isEmpty();
        assertThat(RolloutGate.checkFor(deployment(4, labels, Map.of()), gating("api", "api"), List.of(), NOW))
                .isEmpty();
    }

    @Test
    void theDefaultSelectorIsTheServiceLabelAndACustomSelectorWins() {
        Deployment d = deployment(1, Map.of("tags.datadoghq.com/service", "api", "tier", "web"), Map.of());
        assertThat(RolloutGate.gatingMonitoring(d, List.of(gating("other", "other"))))
                .isEmpty();
        assertThat(RolloutGate.gatingMonitoring(d, List.of(gating("b", "api"), gating("a", "api"))))
                .get()
                .extracting(sm -> sm.getMetadata().getName())
                .isEqualTo("a");
        ServiceMonitoring custom = gating("custom", "something-else");
        WorkloadSelector.Requirement tier = new WorkloadSelector.Requirement();
        tier.key = "tier";
        tier.operator = "In";
        tier.values = List.of("web", "api");
        custom.getSpec().releaseCheck.workloadSelector = new WorkloadSelector();
        custom.getSpec().releaseCheck.workloadSelector.matchExpressions = List.of(tier);
        assertThat(RolloutGate.gatingMonitoring(d, List.of(custom))).isPresent();
        custom.getSpec().releaseCheck.enabled = false;
        assertThat(RolloutGate.gatingMonitoring(d, List.of(custom))).isEmpty();
    }

    @Test
    void aGateThatStartsOrChangesWakesTheDeploymentsItSelectsAndAStatusWriteWakesNone() {
        Deployment api = deployment(1, Map.of("tags.datadoghq.com/service", "api"), Map.of());
        Deployment other = deployment(1, Map.of("tags.datadoghq.com/service", "other"), Map.of());
        other.getMetadata().setName("other");
        assertThat(RolloutGate.selected(gating("api", "api"), java.util.stream.Stream.of(api, other)))
                .containsExactly(api);

        ServiceMonitoring before = gating("api", "api");
        ServiceMonitoring statusWritten = gating("api", "api");
        statusWritten.setStatus(new dev.mimamori.api.ServiceMonitoringStatus());
        assertThat(RolloutGate.sameGate(statusWritten, before)).isTrue();
        ServiceMonitoring notGating = Resources.serviceMonitoring("ns", "api", "api", "prod");
        assertThat(RolloutGate.sameGate(notGating, Resources.serviceMonitoring("ns", "api", "api", "prod")))
                .isTrue();
        assertThat(RolloutGate.sameGate(before, notGating)).as("gate turned on").isFalse();
        ServiceMonitoring selectorChanged = gating("api", "api");
        selectorChanged.getSpec().releaseCheck.workloadSelector = new WorkloadSelector();
        selectorChanged.getSpec().releaseCheck.workloadSelector.matchLabels = Map.of("tier", "web");
        assertThat(RolloutGate.sameGate(selectorChanged, before)).isFalse();
        // Runs on the informer's thread, where a throw would lose the event: a value the API server would not
        // send (null) selects nothing.
        Map<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("tags.datadoghq.com/service", null);
        ServiceMonitoring odd = gating("api", "api");
        odd.getSpec().releaseCheck.workloadSelector = new WorkloadSelector();
        odd.getSpec().releaseCheck.workloadSelector.matchLabels = nullValue;
        assertThat(RolloutGate.selected(odd, java.util.stream.Stream.of(api, other)))
                .isEmpty();
        ServiceMonitoring disabled = gating("api", "api");
        disabled.getSpec().releaseCheck.enabled = false;
        assertThat(RolloutGate.sameGate(disabled, before)).as("gate turned off").isFalse();
    }

    @Test
    void historyKeepsTheNewestRevisions() {
        List<ReleaseCheck> checks = new ArrayList<>();
        for (int revision : new int[] {3, 10, 1, 7, 9}) {
            ReleaseCheck c = new ReleaseCheck();
            c.setMetadata(new ObjectMetaBuilder()
                    .withName("api-" + revision)
                    .withLabels(Map.of("mimamori.dev/revision", String.valueOf(revision)))
                    .build());
            checks.add(c);
        }
        assertThat(RolloutGate.beyondHistory(checks, 3))
                .extracting(c -> c.getMetadata().getName())
                .containsExactly("api-3", "api-1");
        assertThat(RolloutGate.beyondHistory(checks, 5)).isEmpty();
    }
}
