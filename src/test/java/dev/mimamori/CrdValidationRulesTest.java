package dev.mimamori;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The x-kubernetes-validations rules of crds/, compiled with CEL (as the API server does when the CRD is applied) and
 * evaluated against good and bad objects, and every spec field bounded so the API server's cost estimate accepts them.
 */
class CrdValidationRulesTest {
    /** The API server refuses a CRD whose rule's estimated cost exceeds this (StaticEstimatedCostLimit). */
    static final long API_SERVER_RULE_COST_LIMIT = 10_000_000L;

    record Rule(String crd, String path, JsonNode schema, String expression, String message, long enclosingItems) {}

    static final List<Rule> RULES = collectRules();

    @Test
    void theCrdsHaveRulesToTest() {
        assertThat(RULES).extracting(Rule::path).contains("spec.tags", "spec.monitors[].tags", "spec");
    }

    @Test
    void everyRuleCompilesToABooleanAgainstItsSchema() {
        for (Rule rule : RULES) {
            CelValidationResult result = cel(rule).compile(rule.expression());
            assertThat(result.hasError())
                    .as("%s %s: %s\n%s", rule.crd(), rule.path(), rule.expression(), result.getErrorString())
                    .isFalse();
        }
    }

    @Test
    void everyRuleStaysWithinTheApiServersCostLimit() {
        for (Rule rule : RULES) {
            long cost = rule.enclosingItems()
                    * size(rule.schema())
                    * (rule.expression().contains("oldSelf") ? 2 : 1);
            assertThat(cost)
                    .as("worst-case cost of %s %s", rule.crd(), rule.path())
                    .isLessThan(API_SERVER_RULE_COST_LIMIT);
        }
    }

    @Test
    void everyStringListAndMapInEverySpecIsBounded() throws IOException {
        for (Map.Entry<String, JsonNode> crd : crds().entrySet()) {
            List<String> unbounded = new ArrayList<>();
            collectUnbounded(
                    crd.getValue().at("/spec/versions/0/schema/openAPIV3Schema/properties/spec"), "spec", unbounded);
            assertThat(unbounded)
                    .as("fields without maxLength, maxItems or maxProperties in %s", crd.getKey())
                    .isEmpty();
            assertThat(crd.getValue()
                            .at("/spec/versions/0/schema/openAPIV3Schema/required")
                            .toString())
                    .as("%s requires spec", crd.getKey())
                    .contains("\"spec\"");
        }
    }

    @Test
    void reservedTagKeysAreRefusedInAServiceMonitoringsTagsAndItsMonitorTemplates() {
        Map<String, Object> good = Map.of(
                "service",
                "checkout",
                "env",
                "prod",
                "tags",
                List.of("team:shop"),
                "monitors",
                List.of(Map.of("name", "latency", "tags", List.of("tier:1"))));
        assertThat(violations("servicemonitorings", good, null)).isEmpty();

        for (String reserved :
                List.of("mimamori-owner:x", "mimamori-cluster:other", "managed-by:mimamori", "managed-by")) {
            Map<String, Object> onService = Map.of("service", "checkout", "env", "prod", "tags", List.of(reserved));
            assertThat(violations("servicemonitorings", onService, null))
                    .as(reserved)
                    .containsExactly("spec.tags: tag keys managed-by and mimamori-* are reserved for the operator's"
                            + " ownership tags");
            Map<String, Object> onMonitor = Map.of(
                    "service",
                    "checkout",
                    "env",
                    "prod",
                    "monitors",
                    List.of(Map.of("name", "latency", "tags", List.of("tier:1", reserved))));
            assertThat(violations("servicemonitorings", onMonitor, null))
                    .as(reserved)
                    .containsExactly("spec.monitors[].tags: tag keys managed-by and mimamori-* are reserved for the"
                            + " operator's ownership tags");
        }
        assertThat(violations(
                        "servicemonitorings",
                        Map.of(
                                "service",
                                "checkout",
                                "env",
                                "prod",
                                "tags",
                                List.of("managed-by-team:x", "owner:mimamori-x")),
                        null))
                .isEmpty();
    }

    @Test
    void reservedTagKeysAreRefusedInAProfilesMonitorTemplates() {
        Map<String, Object> bad =
                Map.of("monitors", List.of(Map.of("name", "latency", "tags", List.of("mimamori-owner:shop/checkout"))));
        assertThat(violations("monitoringprofiles", bad, null)).hasSize(1);
        Map<String, Object> good = Map.of("monitors", List.of(Map.of("name", "latency", "tags", List.of("tier:1"))));
        assertThat(violations("monitoringprofiles", good, null)).isEmpty();
    }

    @Test
    void aReleaseChecksWorkloadCannotBeChangedAfterCreation() {
        Map<String, Object> checkout = Map.of("workload", Map.of("kind", "Deployment", "name", "checkout"));
        Map<String, Object> payments = Map.of("workload", Map.of("kind", "Deployment", "name", "payments"));
        assertThat(violations("releasechecks", checkout, null)).isEmpty();
        assertThat(violations(
                        "releasechecks",
                        Map.of("workload", Map.of("kind", "Deployment", "name", "checkout"), "onFailure", "Rollback"),
                        checkout))
                .isEmpty();
        assertThat(violations("releasechecks", payments, checkout))
                .containsExactly("spec: spec.workload cannot change; create a new ReleaseCheck");
    }

    /** The messages of every rule the spec breaks, each prefixed with the path of the value it judged. */
    static List<String> violations(String plural, Object spec, Object oldSpec) {
        List<String> messages = new ArrayList<>();
        for (Rule rule : RULES) {
            if (!rule.crd().startsWith(plural + ".")) {
                continue;
            }
            for (Object[] pair : valuesAt(spec, oldSpec, rule.path().substring("spec".length()))) {
                if (rule.expression().contains("oldSelf") && pair[1] == null) {
                    continue;
                }
                Map<String, Object> vars = new LinkedHashMap<>();
                vars.put("self", pair[0]);
                if (pair[1] != null) {
                    vars.put("oldSelf", pair[1]);
                }
                if (!Boolean.TRUE.equals(evaluate(rule, vars))) {
                    messages.add(rule.path() + ": " + rule.message());
                }
            }
        }
        return messages;
    }

    /** (new, old) values at a path such as ".monitors[].tags"; old values are followed through objects only. */
    @SuppressWarnings("unchecked")
    static List<Object[]> valuesAt(Object value, Object old, String path) {
        if (value == null) {
            return List.of();
        }
        if (path.isEmpty()) {
            return List.<Object[]>of(new Object[] {value, old});
        }
        if (path.startsWith("[]")) {
            List<Object[]> found = new ArrayList<>();
            for (Object item : (List<Object>) value) {
                found.addAll(valuesAt(item, null, path.substring(2)));
            }
            return found;
        }
        String rest = path.substring(1);
        int end = rest.length();
        for (String stop : List.of(".", "[")) {
            int at = rest.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        String field = rest.substring(0, end);
        Object oldField = old instanceof Map<?, ?> oldMap ? oldMap.get(field) : null;
        return valuesAt(((Map<String, Object>) value).get(field), oldField, rest.substring(end));
    }

    static Object evaluate(Rule rule, Map<String, Object> vars) {
        try {
            Cel cel = cel(rule);
            CelAbstractSyntaxTree ast = cel.compile(rule.expression()).getAst();
            return cel.createProgram(ast).eval(vars);
        } catch (Exception e) {
            throw new AssertionError(rule.path() + ": " + rule.expression() + " failed: " + e.getMessage(), e);
        }
    }

    static Cel cel(Rule rule) {
        CelType self = celType(rule.schema());
        return CelFactory.standardCelBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("self", self)
                .addVar("oldSelf", self)
                .setResultType(SimpleType.BOOL)
                .build();
    }

    /** The CEL type the API server gives a value of this schema (objects as maps of their fields). */
    static CelType celType(JsonNode schema) {
        return switch (schema.path("type").asText()) {
            case "string" -> SimpleType.STRING;
            case "integer" -> SimpleType.INT;
            case "number" -> SimpleType.DOUBLE;
            case "boolean" -> SimpleType.BOOL;
            case "array" -> ListType.create(celType(schema.path("items")));
            case "object" ->
                MapType.create(
                        SimpleType.STRING,
                        schema.has("additionalProperties")
                                ? celType(schema.path("additionalProperties"))
                                : SimpleType.DYN);
            default -> SimpleType.DYN;
        };
    }

    /** The most elements and characters a value of this schema can hold: what a rule may have to traverse. */
    static long size(JsonNode schema) {
        return switch (schema.path("type").asText()) {
            case "string" -> schema.has("enum") ? 64 : schema.path("maxLength").asLong(Long.MAX_VALUE / 1_000_000);
            case "array" -> schema.path("maxItems").asLong(1_000_000) * size(schema.path("items"));
            case "object" -> {
                if (schema.has("additionalProperties")) {
                    yield schema.path("maxProperties").asLong(1_000_000) * size(schema.path("additionalProperties"));
                }
                long total = 1;
                for (JsonNode property : iterable(schema.path("properties").elements())) {
                    total += size(property);
                }
                yield total;
            }
            default -> 1;
        };
    }

    static void collectUnbounded(JsonNode schema, String path, List<String> unbounded) {
        String type = schema.path("type").asText();
        if (type.equals("string") && !schema.has("maxLength") && !schema.has("enum")) {
            unbounded.add(path);
        }
        if (type.equals("array")) {
            if (!schema.has("maxItems")) {
                unbounded.add(path);
            }
            collectUnbounded(schema.path("items"), path + "[]", unbounded);
        }
        if (schema.has("additionalProperties")) {
            if (!schema.has("maxProperties")) {
                unbounded.add(path);
            }
            collectUnbounded(schema.path("additionalProperties"), path + "{}", unbounded);
        }
        schema.path("properties")
                .fields()
                .forEachRemaining(f -> collectUnbounded(f.getValue(), path + "." + f.getKey(), unbounded));
    }

    static List<Rule> collectRules() {
        try {
            List<Rule> rules = new ArrayList<>();
            for (Map.Entry<String, JsonNode> crd : crds().entrySet()) {
                collectRules(
                        crd.getKey(),
                        crd.getValue().at("/spec/versions/0/schema/openAPIV3Schema/properties/spec"),
                        "spec",
                        1,
                        rules);
            }
            return rules;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void collectRules(String crd, JsonNode schema, String path, long enclosingItems, List<Rule> rules) {
        for (JsonNode rule : iterable(schema.path("x-kubernetes-validations").elements())) {
            rules.add(new Rule(
                    crd,
                    path,
                    schema,
                    rule.path("rule").asText(),
                    rule.path("message").asText(),
                    enclosingItems));
        }
        if (schema.has("items")) {
            collectRules(
                    crd,
                    schema.path("items"),
                    path + "[]",
                    enclosingItems * schema.path("maxItems").asLong(1_000_000),
                    rules);
        }
        schema.path("properties")
                .fields()
                .forEachRemaining(f -> collectRules(crd, f.getValue(), path + "." + f.getKey(), enclosingItems, rules));
    }

    static Map<String, JsonNode> crds() throws IOException {
        Map<String, JsonNode> crds = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Path.of("crds"))) {
            for (Path file : files.sorted().toList()) {
                crds.put(
                        file.getFileName().toString(), Serialization.unmarshal(Files.readString(file), JsonNode.class));
            }
        }
        return crds;
    }

    static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
        return () -> iterator;
    }
}
