package dev.mimamori;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.AnalysisSpec;
import dev.mimamori.api.Direction;
import dev.mimamori.api.GateMetric;
import dev.mimamori.gate.AnalysisSettings;
import dev.mimamori.gate.Durations;
import dev.mimamori.gate.GateDefaults;
import dev.mimamori.gate.GateMetrics;
import dev.mimamori.gate.GateReplay;
import dev.mimamori.gate.MetricComparison;
import dev.mimamori.gate.ResolvedMetric;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code judge -f cases.jsonl}: the gate offline. Each line is one case (a release's recorded bucket series and
 * the settings to judge it by); each prints one JSON verdict line, reached through {@link GateReplay}, the same
 * analysis the reconciler runs. Exit 0 when every case was judged, 1 with one line on stderr naming the case and
 * the field at the first bad case (the verdicts before it are printed).
 */
public final class JudgeCommand {
    static final String USAGE = "usage: judge -f cases.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CASE_FIELDS = Set.of("id", "bucket", "analysis", "metrics", "attribution");
    private static final Set<String> METRIC_FIELDS = Set.of(
            "name",
            "direction",
            "maxRegressionPercent",
            "absoluteFloor",
            "baseline",
            "candidate",
            "baselineRequests",
            "candidateRequests",
            "baselineHistory");
    private static final Set<String> ANALYSIS_FIELDS = Set.of("warmup", "dataDelay", "confidence", "minSamples");

    private JudgeCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            Path file = fileArgument(args);
            try (BufferedReader lines = Files.newBufferedReader(file)) {
                int lineNumber = 0;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    lineNumber++;
                    if (!line.isBlank()) {
                        out.println(judge(line, file + " line " + lineNumber));
                    }
                }
            } catch (NoSuchFileException e) {
                throw new InvalidCase("cannot read " + file + ": no such file");
            } catch (IOException e) {
                throw new InvalidCase(
                        "cannot read " + file + ": " + e.getClass().getSimpleName());
            }
            return 0;
        } catch (InvalidCase e) {
            err.println("judge: " + e.getMessage());
            return 1;
        }
    }

    private static Path fileArgument(String[] args) {
        if (args.length == 3 && ("-f".equals(args[1]) || "--file".equals(args[1]))) {
            return Path.of(args[2]);
        }
        throw new InvalidCase(USAGE);
    }

    /** One case line to one verdict line. */
    static String judge(String line, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidCase(where + ": not a JSON object: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidCase(where + ": not a JSON object");
        }
        JsonNode idNode = node.get("id");
        if (idNode == null || !idNode.isTextual() || idNode.asText().isBlank()) {
            throw new InvalidCase(where + ": field id: a non-empty string is required");
        }
        String id = idNode.asText();
        String at = "case " + id;
        unknownFields(node, CASE_FIELDS, at);
        AnalysisSettings settings = settings(node, at);
        JsonNode metrics = node.get("metrics");
        if (metrics == null || !metrics.isArray() || metrics.isEmpty()) {
            throw new InvalidCase(at + ": field metrics: a non-empty array is required");
        }
        List<GateReplay.Recorded> recorded = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            recorded.add(metric(metrics.get(i), settings, at + ": metrics[" + i + "]"));
        }
        JudgeAttribution.Case attribution = JudgeAttribution.parse(node.get("attribution"), at);
        return verdictLine(id, GateReplay.replay(recorded, settings), settings, attribution);
    }

    private static AnalysisSettings settings(JsonNode node, String at) {
        AnalysisSpec spec = new AnalysisSpec();
        JsonNode analysis = node.get("analysis");
        if (analysis != null) {
            if (!analysis.isObject()) {
                throw new InvalidCase(at + ": field analysis: an object is required");
            }
            unknownFields(analysis, ANALYSIS_FIELDS, at + ": analysis");
            spec.warmup = text(analysis, "warmup", at + ": analysis");
            spec.dataDelay = text(analysis, "dataDelay", at + ": analysis");
            spec.confidence = number(analysis, "confidence", at + ": analysis");
            Double minSamples = number(analysis, "minSamples", at + ": analysis");
            if (minSamples != null && minSamples != Math.rint(minSamples)) {
                throw new InvalidCase(at + ": field analysis.minSamples: a whole number is required");
            }
            spec.minSamples = minSamples == null ? null : minSamples.intValue();
        }
        spec.interval = text(node, "bucket", at);
        try {
            if (Durations.parse(spec.interval, GateDefaults.INTERVAL).toSeconds() < 10) {
                throw new InvalidCase(at + ": field bucket: at least 10s, not " + spec.interval);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidCase(at + ": field bucket: " + e.getMessage());
        }
        if (spec.confidence != null && !(spec.confidence > 0 && spec.confidence < 1)) {
            throw new InvalidCase(at + ": field analysis.confidence: between 0 and 1, not " + spec.confidence);
        }
        if (spec.minSamples != null && spec.minSamples < 1) {
            throw new InvalidCase(at + ": field analysis.minSamples: at least 1, not " + spec.minSamples);
        }
        try {
            return AnalysisSettings.of(spec);
        } catch (IllegalArgumentException e) {
            throw new InvalidCase(at + ": " + e.getMessage());
        }
    }

    private static GateReplay.Recorded metric(JsonNode node, AnalysisSettings settings, String at) {
        if (node == null || !node.isObject()) {
            throw new InvalidCase(at + ": an object is required");
        }
        unknownFields(node, METRIC_FIELDS, at);
        GateMetric m = new GateMetric();
        m.name = text(node, "name", at);
        if (m.name == null || m.name.isBlank()) {
            throw new InvalidCase(at + ": field name: a non-empty string is required");
        }
        String direction = text(node, "direction", at);
        if (direction != null) {
            try {
                m.direction = Direction.valueOf(direction);
            } catch (IllegalArgumentException e) {
                throw new InvalidCase(
                        at + ": field direction: LowerIsBetter or HigherIsBetter, not \"" + direction + "\"");
            }
        }
        m.maxRegressionPercent = number(node, "maxRegressionPercent", at);
        m.absoluteFloor = number(node, "absoluteFloor", at);
        MetricComparison.GateCriteria criteria;
        try {
            criteria = GateMetrics.criteria(m, settings);
        } catch (IllegalArgumentException e) {
            throw new InvalidCase(at + ": " + e.getMessage());
        }
        double[] baseline = series(node, "baseline", at);
        double[] candidate = series(node, "candidate", at);
        double[] history = node.has("baselineHistory") ? series(node, "baselineHistory", at) : new double[0];
        boolean counted = node.has("baselineRequests") || node.has("candidateRequests");
        if (!counted) {
            return new GateReplay.Recorded(
                    new ResolvedMetric(m.name, "", criteria), baseline, candidate, null, null, history);
        }
        double[] baselineRequests = requests(node, "baselineRequests", baseline.length, at);
        double[] candidateRequests = requests(node, "candidateRequests", candidate.length, at);
        // Request counts make the metric a share of requests; the template only marks that, judge sends no query.
        return new GateReplay.Recorded(
                new ResolvedMetric(m.name, "", criteria, ""),
                baseline,
                candidate,
                baselineRequests,
                candidateRequests,
                history);
    }

    /** A request-count series: as long as its values, each count a number >= 0 or null. */
    private static double[] requests(JsonNode node, String field, int length, String at) {
        if (!node.has(field)) {
            throw new InvalidCase(
                    at + ": field " + field + ": required with the other request counts (both sides or neither)");
        }
        double[] counts = series(node, field, at);
        if (counts.length != length) {
            throw new InvalidCase(at + ": field " + field + ": " + counts.length + " counts for " + length
                    + " values; one count per bucket is required");
        }
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new InvalidCase(at + ": field " + field + "[" + i + "]: a count >= 0 or null, not " + counts[i]);
            }
        }
        return counts;
    }

    private static double[] series(JsonNode node, String field, String at) {
        JsonNode values = node.get(field);
        if (values == null || !values.isArray()) {
            throw new InvalidCase(
                    at + ": field " + field + ": an array of numbers (null for a missing bucket) is" + " required");
        }
        double[] series = new double[values.size()];
        for (int i = 0; i < series.length; i++) {
            JsonNode v = values.get(i);
            if (v.isNull()) {
                series[i] = Double.NaN;
            } else if (v.isNumber() && Double.isFinite(v.asDouble())) {
                series[i] = v.asDouble();
            } else {
                throw new InvalidCase(at + ": field " + field + "[" + i + "]: a number or null, not " + v);
            }
        }
        return series;
    }

    private static String verdictLine(
            String id, GateReplay.Decision decision, AnalysisSettings settings, JudgeAttribution.Case attribution) {
        ObjectNode line = JSON.createObjectNode();
        line.put("id", id);
        line.put("verdict", decision.verdict().name());
        // Attributed last, as the reconciler does once a metric has regressed; the verdict may become Inconclusive.
        line.put(
                "verdict",
                JudgeAttribution.apply(attribution, decision.verdict(), line).name());
        line.put("decidedBy", decision.early() ? "EarlyFail" : "Windows");
        line.put("decidedAtBucket", decision.candidateBuckets());
        line.put(
                "decidedAtMinute",
                settings.warmup()
                                .plus(settings.interval().multipliedBy(decision.candidateBuckets()))
                                .plus(settings.dataDelay())
                                .toSeconds()
                        / 60.0);
        ArrayNode results = line.putArray("metrics");
        for (MetricComparison.MetricResult r : decision.results()) {
            ObjectNode m = results.addObject();
            m.put("verdict", r.verdict().name());
            m.put("reason", r.reason());
            m.put("baselineCount", r.baselineCount());
            m.put("candidateCount", r.candidateCount());
            putNumber(m, "baselineMedian", r.baselineMedian());
            putNumber(m, "candidateMedian", r.candidateMedian());
            putNumber(m, "changePercent", r.changePercent());
            putNumber(m, "regressionPercent", r.regressionPercent());
            putNumber(m, "pValue", r.pValue());
            putNumber(m, "varianceInflation", r.varianceInflation());
        }
        return line.toString();
    }

    /**
     * JSON has no infinity: a figure with no finite value (a change from or to 0) is null, and {@code <field>Unbounded}
     * says which way, so every number field stays a number or null for the tools that read the lines.
     */
    private static void putNumber(ObjectNode node, String field, Double value) {
        if (value == null || value.isNaN()) {
            node.putNull(field);
        } else if (value.isInfinite()) {
            node.putNull(field);
            node.put(field + "Unbounded", value > 0 ? "positive" : "negative");
        } else {
            node.put(field, value);
        }
    }

    private static void unknownFields(JsonNode node, Set<String> known, String at) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidCase(at + ": unknown field " + name + " (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidCase(at + ": field " + field + ": a string is required, not " + v);
        }
        return v.asText();
    }

    private static Double number(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new InvalidCase(at + ": field " + field + ": a number is required, not " + v);
        }
        return v.asDouble();
    }

    /** A case a person must fix; its message is the one line printed. */
    static final class InvalidCase extends RuntimeException {
        InvalidCase(String message) {
            super(message);
        }
    }
}
