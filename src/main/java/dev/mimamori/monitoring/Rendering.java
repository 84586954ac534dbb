package dev.mimamori.monitoring;

import dev.mimamori.datadog.DashboardDefinition;

import java.util.List;
import java.util.Optional;

/** The outcome of rendering: the desired monitors, SLOs and shared dashboard, or the first problem found. */
public record Rendering(List<DesiredMonitor> monitors, List<DesiredSlo> slos, Optional<DashboardDefinition> dashboard,
        RenderProblem problem) {

    public static Rendering of(List<DesiredMonitor> monitors) {
        return of(monitors, List.of(), Optional.empty());
    }

    public static Rendering of(List<DesiredMonitor> monitors, List<DesiredSlo> slos,
            Optional<DashboardDefinition> dashboard) {
        return new Rendering(List.copyOf(monitors), List.copyOf(slos), dashboard, null);
    }

    public static Rendering failed(String reason, String message) {
        return new Rendering(List.of(), List.of(), Optional.empty(), new RenderProblem(reason, message));
    }

    public boolean ok() {
        return problem == null;
    }
}
