package dev.mimamori.render;

import dev.mimamori.datadog.SloDefinition;
import java.util.List;

/** An SLO as the profile and the ServiceMonitoring want it, with the burn-rate alerts that watch it. */
public record DesiredSlo(String templateName, SloDefinition definition, List<BurnRateAlert> alerts) {

    public DesiredSlo {
        alerts = List.copyOf(alerts);
    }

    /** The burn-rate monitors for this SLO once Datadog has given it an id. */
    public List<DesiredMonitor> alertMonitors(String sloId) {
        return alerts.stream().map(a -> a.monitor(sloId)).toList();
    }
}
