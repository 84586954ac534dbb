package dev.mimamori.datadog;

import com.datadog.api.client.v1.model.SLOThreshold;
import com.datadog.api.client.v1.model.SLOTimeframe;
import com.datadog.api.client.v1.model.SLOType;
import com.datadog.api.client.v1.model.ServiceLevelObjective;
import com.datadog.api.client.v1.model.ServiceLevelObjectiveQuery;
import com.datadog.api.client.v1.model.ServiceLevelObjectiveRequest;
import java.util.ArrayList;
import java.util.List;

/** Translates between the client's SLO model and ours. We write one threshold; Datadog's top-level copy follows it. */
final class SloMapping {

    private SloMapping() {}

    static ManagedSlo fromDatadog(ServiceLevelObjective slo) {
        SLOThreshold threshold =
                slo.getThresholds() == null || slo.getThresholds().isEmpty()
                        ? null
                        : slo.getThresholds().get(0);
        ServiceLevelObjectiveQuery query = slo.getQuery();
        SloDefinition definition = new SloDefinition(
                slo.getName(),
                slo.getDescription(),
                slo.getTags() == null ? null : new ArrayList<>(slo.getTags()),
                threshold == null || threshold.getTimeframe() == null
                        ? null
                        : threshold.getTimeframe().getValue(),
                threshold == null || threshold.getTarget() == null ? Double.NaN : threshold.getTarget(),
                threshold == null ? null : threshold.getWarning(),
                query == null ? null : query.getNumerator(),
                query == null ? null : query.getDenominator());
        return new ManagedSlo(slo.getId(), slo.getCreatedAt() == null ? 0 : slo.getCreatedAt(), definition);
    }

    static ServiceLevelObjectiveRequest toCreateRequest(SloDefinition d) {
        return new ServiceLevelObjectiveRequest()
                .type(SLOType.METRIC)
                .name(d.name())
                .description(d.description())
                .tags(new ArrayList<>(d.tags()))
                .thresholds(thresholds(d))
                .timeframe(SLOTimeframe.fromValue(d.timeframe()))
                .targetThreshold(d.target())
                .warningThreshold(d.warning())
                .query(new ServiceLevelObjectiveQuery().numerator(d.numerator()).denominator(d.denominator()));
    }

    static ServiceLevelObjective toUpdateRequest(SloDefinition d) {
        return new ServiceLevelObjective()
                .type(SLOType.METRIC)
                .name(d.name())
                .description(d.description())
                .tags(new ArrayList<>(d.tags()))
                .thresholds(thresholds(d))
                .timeframe(SLOTimeframe.fromValue(d.timeframe()))
                .targetThreshold(d.target())
                .warningThreshold(d.warning())
                .query(new ServiceLevelObjectiveQuery().numerator(d.numerator()).denominator(d.denominator()));
    }

    private static List<SLOThreshold> thresholds(SloDefinition d) {
        SLOThreshold threshold = new SLOThreshold(d.target(), SLOTimeframe.fromValue(d.timeframe()));
        if (d.warning() != null) {
            threshold.warning(d.warning());
        }
        return new ArrayList<>(List.of(threshold));
    }
}
