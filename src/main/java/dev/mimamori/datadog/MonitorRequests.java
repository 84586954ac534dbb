package dev.mimamori.datadog;

import com.datadog.api.client.JSON;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The exact JSON bodies the operator sends to Datadog for one service, for people to review: {@code monitors}
 * ({@code POST /api/v1/monitor}), {@code slos} ({@code POST /api/v1/slo}) and {@code dashboard}
 * ({@code POST /api/v1/dashboard}, shared by every service of the profile), and {@code gate}: the queries and
 * formula each gate metric becomes in {@code POST /api/v2/query/timeseries}, {@code ${version}} filled per release.
 */
public final class MonitorRequests {

    private MonitorRequests() {}

    public static String asJson(
            List<MonitorDefinition> monitors, List<SloDefinition> slos, Optional<DashboardDefinition> dashboard) {
        return asJson(monitors, slos, dashboard, Map.of());
    }

    /** The same, plus {@code gate}: per gate metric, the queries and formula of its timeseries request. */
    public static String asJson(
            List<MonitorDefinition> monitors,
            List<SloDefinition> slos,
            Optional<DashboardDefinition> dashboard,
            Map<String, MetricFormula> gate) {
        ObjectMapper mapper = new JSON().getMapper().copy().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode all = mapper.createObjectNode();
        all.set(
                "monitors",
                mapper.valueToTree(
                        monitors.stream().map(MonitorMapping::toCreateRequest).toList()));
        all.set(
                "slos",
                mapper.valueToTree(
                        slos.stream().map(SloMapping::toCreateRequest).toList()));
        dashboard.ifPresent(d -> all.set("dashboard", d.body()));
        if (!gate.isEmpty()) {
            ArrayNode metrics = all.putArray("gate");
            gate.forEach((name, compiled) -> metrics.add(gateRequest(mapper, name, compiled)));
        }
        try {
            return mapper.writeValueAsString(all);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the requests", e);
        }
    }

    /** The {@code queries} and {@code formulas} of {@code POST /api/v2/query/timeseries} for one gate metric. */
    private static ObjectNode gateRequest(ObjectMapper mapper, String name, MetricFormula compiled) {
        ObjectNode metric = mapper.createObjectNode();
        metric.put("name", name);
        ArrayNode queries = metric.putArray("queries");
        for (MetricFormula.NamedQuery q : compiled.queries()) {
            queries.addObject()
                    .put("data_source", "metrics")
                    .put("name", q.name())
                    .put("query", q.query());
        }
        metric.putArray("formulas").addObject().put("formula", compiled.formula());
        return metric;
    }
}
