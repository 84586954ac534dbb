package dev.mimamori.gate;

import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.GroupedValue;
import dev.mimamori.render.ContentionMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what {@link Attribution} needs from Datadog with the contention check's metric names: per window, node CPU by
 * node, container CPU and CPU stall by node and service, and the requests per second of the version that window ran
 * (three scalar requests). Six requests, made only for a check that regressed; the gate's own timeseries look is
 * left as it is.
 */
final class AttributionReader {
    static final List<String> BY_NODE = List.of(ContentionMetrics.NODE_TAG);
    static final List<String> BY_NODE_AND_SERVICE = List.of(ContentionMetrics.NODE_TAG, ContentionMetrics.SERVICE_TAG);

    private final DatadogApi datadog;
    /** The scope of the queries over every workload, as the contention check's (e.g. one cluster's tag). */
    private final String scope;

    AttributionReader(DatadogApi datadog, String scope) {
        this.datadog = datadog;
        this.scope = scope;
    }

    GateAttribution.Reply read(GateAttribution.Request r) {
        try {
            double[] requests = requests(r);
            return new GateAttribution.Reply(
                    window(r, r.baselineFrom(), r.baselineTo(), requests[0]),
                    window(r, r.candidateFrom(), r.candidateTo(), requests[1]),
                    null);
        } catch (DatadogException e) {
            return new GateAttribution.Reply(null, null, e);
        }
    }

    /** The grouped queries of one window, by node then by node and service. */
    static List<List<String>> queries(String scope, String env) {
        return List.of(
                List.of(ContentionMetrics.perNode(ContentionMetrics.NODE_CPU_IDLE, scope)),
                List.of(
                        ContentionMetrics.cpuPerNodeAndService(scope),
                        ContentionMetrics.placement(env),
                        ContentionMetrics.stallPerNodeAndService(env)));
    }

    /** The query of a version's requests per second. */
    static String requestsQuery(GateAttribution.Request r, String version) {
        return "sum:trace." + r.traceOperation() + ".hits{service:" + r.service() + ",env:" + r.env() + ",version:"
                + version + "}.as_rate()";
    }

    private Attribution.Window window(GateAttribution.Request r, Instant from, Instant to, Double requestsPerSecond) {
        List<List<String>> q = queries(scope, r.env());
        Map<String, List<GroupedValue>> nodes = datadog.groupedValues(q.get(0), BY_NODE, from, to);
        Map<String, List<GroupedValue>> workloads = datadog.groupedValues(q.get(1), BY_NODE_AND_SERVICE, from, to);
        Map<String, Double> busy = new TreeMap<>();
        for (GroupedValue row : rows(nodes, q.get(0).get(0))) {
            busy.put(row.tags().get(ContentionMetrics.NODE_TAG), Math.max(0, 100 - row.value()));
        }
        Map<String, Map<String, Double>> others = new TreeMap<>();
        for (GroupedValue row : rows(workloads, q.get(1).get(0))) {
            String service = row.tags().get(ContentionMetrics.SERVICE_TAG);
            if (!r.service().equals(service)) {
                others.computeIfAbsent(row.tags().get(ContentionMetrics.NODE_TAG), n -> new TreeMap<>())
                        .merge(service, ContentionMetrics.cores(row.value()), Double::sum);
            }
        }
        return new Attribution.Window(
                requestsPerSecond,
                own(workloads, q.get(1).get(1), r.service(), ContentionMetrics::cores),
                own(workloads, q.get(1).get(2), r.service(), ContentionMetrics::stallPercent),
                busy,
                others);
    }

    private static Map<String, Double> own(
            Map<String, List<GroupedValue>> answer,
            String query,
            String service,
            java.util.function.DoubleUnaryOperator unit) {
        Map<String, Double> byNode = new TreeMap<>();
        for (GroupedValue row : rows(answer, query)) {
            if (service.equals(row.tags().get(ContentionMetrics.SERVICE_TAG))) {
                byNode.merge(row.tags().get(ContentionMetrics.NODE_TAG), unit.applyAsDouble(row.value()), Double::sum);
            }
        }
        return byNode;
    }

    private static List<GroupedValue> rows(Map<String, List<GroupedValue>> answer, String query) {
        List<GroupedValue> rows = answer.get(query);
        return rows == null ? List.of() : rows;
    }

    /** Mean requests per second of the baseline version in its window and of the candidate in its; NaN unknown. */
    private double[] requests(GateAttribution.Request r) {
        if (r.traceOperation() == null) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return new double[] {
            rate(requestsQuery(r, r.baselineVersion()), r.baselineFrom(), r.baselineTo()),
            rate(requestsQuery(r, r.candidateVersion()), r.candidateFrom(), r.candidateTo())
        };
    }

    /** One scalar query's average over the window. */
    private double rate(String query, Instant from, Instant to) {
        List<GroupedValue> rows = rows(datadog.groupedValues(List.of(query), List.of(), from, to), query);
        return rows.isEmpty() ? Double.NaN : rows.get(0).value();
    }
}
