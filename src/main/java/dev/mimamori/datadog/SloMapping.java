package dev.mimamori.datadog;

import com.datadog.api.client.v1.model.SLOResponseData;
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
        return ManagedSlo.of(slo.getId(), slo.getCreatedAt() == null ? 0 : slo.getCreatedAt(), definitionOf(slo));
    }

    static SloDefinition definitionOf(ServiceLevelObjective slo) {
        return definition(slo.getName(), slo.getDescription(), slo.getTags(), slo.getThresholds(), slo.getQuery());
    }

    /** GET /api/v1/slo/{id} answers with a model of its own for the same fields. */
    static SloDefinition definitionOf(SLOResponseData slo) {
        return definition(slo.getName(), slo.getDescription(), slo.getTags(), slo.getThresholds(), slo.getQuery());
    }

    private static SloDefinition definition(
            String name,
            String description,
            List<String> tags,
            List<SLOThreshold> thresholds,
            ServiceLevelObjectiveQuery query) {
        SLOThreshold threshold = thresholds == null || thresholds.isEmpty() ? null : thresholds.get(0);
        return new SloDefinition(
                name,
                description,
                tags == null ? null : new ArrayList<>(tags),
                threshold == null || threshold.getTimeframe() == null
                        ? null
                        : threshold.getTimeframe().getValue(),
                threshold == null || threshold.getTarget() == null ? Double.NaN : threshold.getTarget(),
                threshold == null ? null : threshold.getWarning(),
                query == null ? null : query.getNumerator(),
                query == null ? null : query.getDenominator());
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
