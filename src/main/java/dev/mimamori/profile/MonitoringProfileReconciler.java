package dev.mimamori.profile;

import dev.mimamori.api.MonitoringProfile;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.MonitoringProfileStatus;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.render.MonitorRenderer;
import dev.mimamori.render.Rendering;
import dev.mimamori.status.Conditions;
import dev.mimamori.status.Reason;
import dev.mimamori.status.Reasons;
import dev.mimamori.status.StatusWriter;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;

/**
 * Tells the SRE team, on the profile itself, whether every template renders: a broken profile shows up here before
 * it shows up on every ServiceMonitoring that uses it. Touches nothing in Datadog.
 */
@ControllerConfiguration(name = "monitoringprofile")
public class MonitoringProfileReconciler implements Reconciler<MonitoringProfile> {
    private final MeterRegistry registry;
    private final Clock clock;

    public MonitoringProfileReconciler(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public UpdateControl<MonitoringProfile> reconcile(MonitoringProfile profile, Context<MonitoringProfile> context) {
        registry.counter("mimamori.reconciles", "kind", "MonitoringProfile").increment();
        if (profile.getSpec() == null) {
            MonitoringProfileStatus status = base(profile);
            status.conditions = Conditions.with(
                    status.conditions,
                    Conditions.READY,
                    Conditions.FALSE,
                    Reason.InvalidSpec.name(),
                    "spec is missing: a MonitoringProfile needs a spec, even an empty one" + " ({})",
                    status.observedGeneration,
                    clock.instant());
            return StatusWriter.write(profile, status, null);
        }
        MonitoringProfileSpec spec = profile.getSpec();
        Rendering trial = MonitorRenderer.render(spec, sampleService(), "validation/sample", "validation");
        MonitoringProfileStatus status = base(profile);
        status.monitorCount = spec.monitors == null ? 0 : spec.monitors.size();
        if (trial.ok()) {
            status.conditions = Conditions.with(
                    status.conditions,
                    Conditions.READY,
                    Conditions.TRUE,
                    Reasons.PROFILE_VALID,
                    status.monitorCount + " monitor templates, " + trial.slos().size()
                            + " SLO templates" + (trial.dashboard().isPresent() ? ", the dashboard" : "")
                            + " and " + trial.gate().size() + " gate metrics render",
                    status.observedGeneration,
                    clock.instant());
        } else {
            status.conditions = Conditions.with(
                    status.conditions,
                    Conditions.READY,
                    Conditions.FALSE,
                    trial.problem().reason(),
                    trial.problem().message(),
                    status.observedGeneration,
                    clock.instant());
        }
        return StatusWriter.write(profile, status, null);
    }

    @Override
    public ErrorStatusUpdateControl<MonitoringProfile> updateErrorStatus(
            MonitoringProfile profile, Context<MonitoringProfile> context, Exception e) {
        MonitoringProfileStatus status = base(profile);
        status.conditions = Conditions.with(
                status.conditions,
                Conditions.READY,
                Conditions.FALSE,
                Reasons.RECONCILE_ERROR,
                "unexpected error, retried: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                status.observedGeneration,
                clock.instant());
        return StatusWriter.writeError(profile, status);
    }

    private static MonitoringProfileStatus base(MonitoringProfile profile) {
        MonitoringProfileStatus status = new MonitoringProfileStatus();
        MonitoringProfileStatus previous = profile.getStatus();
        status.conditions = previous == null || previous.conditions == null
                ? new ArrayList<>()
                : new ArrayList<>(previous.conditions);
        status.monitorCount = previous == null ? null : previous.monitorCount;
        status.observedGeneration = profile.getMetadata().getGeneration();
        return status;
    }

    /** A service with every identity field set, so that any template the profile could legitimately use renders. */
    private static ServiceMonitoringSpec sampleService() {
        ServiceMonitoringSpec spec = new ServiceMonitoringSpec();
        spec.service = "sample";
        spec.env = "sample";
        spec.team = "sample";
        return spec;
    }
}
