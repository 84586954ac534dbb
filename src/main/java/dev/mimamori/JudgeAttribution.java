package dev.mimamori;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.AttributionStatus;
import dev.mimamori.api.OnNeighbour;
import dev.mimamori.gate.Attribution;
import dev.mimamori.gate.GateAttribution;
import dev.mimamori.gate.Verdict;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The optional {@code attribution} of a {@code judge} case: the node and container figures of both windows, read as
 * the gate reads them, so a Failed verdict is attributed offline exactly as the reconciler attributes it.
 */
final class JudgeAttribution {
    static final Set<String> FIELDS = Set.of("service", "onNeighbour", "baseline", "candidate");
    static final Set<String> WINDOW_FIELDS = Set.of("requestsPerSecond", "nodes");
    static final Set<String> NODE_FIELDS = Set.of("ownCores", "ownWaitPercent", "busyPercent", "others");

    private JudgeAttribution() {}

    /** The case's attribution request, or null when the case has none. */
    record Case(String service, OnNeighbour onNeighbour, Attribution.Window baseline, Attribution.Window candidate) {}

    static Case parse(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return null;
        }
        String where = at + ": attribution";
        if (!node.isObject()) {
            throw new JudgeCommand.InvalidCase(where + ": an object is required");
        }
        known(node, FIELDS, where);
        JsonNode service = node.get("service");
        if (service == null || !service.isTextual() || service.asText().isBlank()) {
            throw new JudgeCommand.InvalidCase(where + ": field service: a non-empty string is required");
        }
        OnNeighbour onNeighbour = null;
        JsonNode on = node.get("onNeighbour");
        if (on != null && !on.isNull()) {
            try {
                onNeighbour = OnNeighbour.valueOf(on.asText());
            } catch (IllegalArgumentException e) {
                throw new JudgeCommand.InvalidCase(where + ": field onNeighbour: Inconclusive or Fail, not " + on);
            }
        }
        return new Case(
                service.asText(),
                onNeighbour,
                window(node.get("baseline"), where + ".baseline"),
                window(node.get("candidate"), where + ".candidate"));
    }

    /** The verdict after attribution; the attribution written into the verdict line. */
    static Verdict apply(Case c, Verdict verdict, ObjectNode line) {
        if (c == null || verdict != Verdict.Failed) {
            return verdict;
        }
        GateAttribution.Decision d = GateAttribution.decide(
                new GateAttribution.Reply(c.baseline(), c.candidate(), null), c.service(), c.onNeighbour(), "failed");
        AttributionStatus s = d.attribution();
        ObjectNode out = line.putObject("attribution");
        out.put("cause", s.cause);
        out.put("message", s.message);
        s.nodes.forEach(out.putArray("nodes")::add);
        var neighbours = out.putArray("neighbours");
        s.neighbours.forEach(n ->
                neighbours.addObject().put("name", n.name).put("node", n.node).put("cores", n.candidateCores));
        return d.verdict();
    }

    private static Attribution.Window window(JsonNode node, String at) {
        if (node == null || !node.isObject()) {
            throw new JudgeCommand.InvalidCase(at + ": an object is required");
        }
        known(node, WINDOW_FIELDS, at);
        JsonNode rps = node.get("requestsPerSecond");
        Double requests = null;
        if (rps != null && !rps.isNull()) {
            requests = number(rps, at + ".requestsPerSecond");
        }
        Map<String, Double> own = new TreeMap<>();
        Map<String, Double> wait = new TreeMap<>();
        Map<String, Double> busy = new TreeMap<>();
        Map<String, Map<String, Double>> others = new TreeMap<>();
        JsonNode nodes = node.get("nodes");
        if (nodes == null || !nodes.isObject()) {
            throw new JudgeCommand.InvalidCase(at + ": field nodes: an object of node name to figures is required");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = nodes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String n = e.getKey();
            String where = at + ".nodes." + n;
            if (!e.getValue().isObject()) {
                throw new JudgeCommand.InvalidCase(where + ": an object is required");
            }
            known(e.getValue(), NODE_FIELDS, where);
            put(own, n, e.getValue().get("ownCores"), where + ".ownCores");
            put(wait, n, e.getValue().get("ownWaitPercent"), where + ".ownWaitPercent");
            put(busy, n, e.getValue().get("busyPercent"), where + ".busyPercent");
            JsonNode neighbours = e.getValue().get("others");
            if (neighbours != null && !neighbours.isNull()) {
                if (!neighbours.isObject()) {
                    throw new JudgeCommand.InvalidCase(
                            where + ".others: an object of workload name to cores is required");
                }
                Map<String, Double> cores = new TreeMap<>();
                neighbours
                        .fields()
                        .forEachRemaining(
                                w -> cores.put(w.getKey(), number(w.getValue(), where + ".others." + w.getKey())));
                others.put(n, cores);
            }
        }
        return new Attribution.Window(requests, own, wait, busy, others);
    }

    private static void put(Map<String, Double> into, String node, JsonNode value, String at) {
        if (value != null && !value.isNull()) {
            into.put(node, number(value, at));
        }
    }

    private static double number(JsonNode v, String at) {
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new JudgeCommand.InvalidCase(at + ": a number is required, not " + v);
        }
        return v.asDouble();
    }

    private static void known(JsonNode node, Set<String> fields, String at) {
        node.fieldNames().forEachRemaining(name -> {
            if (!fields.contains(name)) {
                throw new JudgeCommand.InvalidCase(at + ": unknown field " + name + " (known: "
                        + String.join(", ", fields.stream().sorted().toList()) + ")");
            }
        });
    }
}
