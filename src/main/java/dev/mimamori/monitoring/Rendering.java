package dev.mimamori.monitoring;

import java.util.List;

/** The outcome of rendering: the desired monitors, or the first problem found. */
public record Rendering(List<DesiredMonitor> monitors, RenderProblem problem) {

    public static Rendering of(List<DesiredMonitor> monitors) {
        return new Rendering(List.copyOf(monitors), null);
    }

    public static Rendering failed(String reason, String message) {
        return new Rendering(List.of(), new RenderProblem(reason, message));
    }

    public boolean ok() {
        return problem == null;
    }
}
