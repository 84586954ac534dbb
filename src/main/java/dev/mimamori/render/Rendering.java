package dev.mimamori.render;

import dev.mimamori.datadog.DashboardDefinition;
import dev.mimamori.datadog.MetricFormula;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of rendering: the desired monitors, SLOs and shared dashboard, and the gate metrics by name as the v2
 * query API takes them (service and env filled, {@code ${version}} left for the release), or the first problem found.
 */
public record Rendering(
        List<DesiredMonitor> monitors,
        List<DesiredSlo> slos,
        Optional<DashboardDefinition> dashboard,
        Map<String, MetricFormula> gate,
        RenderProblem problem) {

    public static Rendering of(List<DesiredMonitor> monitors) {
        return of(monitors, List.of(), Optional.empty(), Map.of());
    }

    public static Rendering of(
            List<DesiredMonitor> monitors,
            List<DesiredSlo> slos,
            Optional<DashboardDefinition> dashboard,
            Map<String, MetricFormula> gate) {
        return new Rendering(
                List.copyOf(monitors),
                List.copyOf(slos),
                dashboard,
                Collections.unmodifiableMap(new LinkedHashMap<>(gate)),
                null);
    }

    public static Rendering failed(String reason, String message) {
        return new Rendering(List.of(), List.of(), Optional.empty(), Map.of(), new RenderProblem(reason, message));
    }

    public boolean ok() {
        return problem == null;
    }
}
