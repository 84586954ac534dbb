package dev.mimamori.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mimamori.status.Reasons;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs the Argo CD health checks in deploy/argocd/ with luaj, the way Argo CD runs them with gopher-lua: the object
 * in the global {@code obj}, only the libraries Argo CD opens for custom checks, and a table with {@code status} and
 * {@code message} as the result.
 */
class ArgoHealthScriptsTest {
    private static final Path DIR = Path.of("deploy", "argocd");
    private static final String SERVICE_MONITORING = "health-servicemonitoring.lua";
    private static final String MONITORING_PROFILE = "health-monitoringprofile.lua";
    private static final String RELEASE_CHECK = "health-releasecheck.lua";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> ARGO_STATUSES = Set.of("Healthy", "Progressing", "Degraded", "Suspended");
    /** Ready reasons the operator retries by itself; every other Ready=False reason needs a person. */
    private static final Set<String> TRANSIENT =
            Set.of(Reasons.QUEUED, Reasons.DATADOG_RATE_LIMITED, Reasons.DATADOG_UNAVAILABLE);

    private static final Set<String> READY_TRUE = Set.of(Reasons.MONITORS_IN_SYNC, Reasons.PROFILE_VALID);

    record Health(String status, String message) {}

    // ---- ServiceMonitoring and MonitoringProfile: the same rules, driven by the Ready condition ----

    static Stream<Arguments> readyConditionCases() {
        List<Arguments> cases = new ArrayList<>();
        for (String script : List.of(SERVICE_MONITORING, MONITORING_PROFILE)) {
            cases.add(Arguments.of(
                    script, "no status", withStatus(script, 1, null), "Progressing", "Waiting for the operator"));
            cases.add(Arguments.of(
                    script, "empty status", withStatus(script, 1, "{}"), "Progressing", "Waiting for the operator"));
            cases.add(Arguments.of(
                    script,
                    "status for an older generation",
                    withStatus(script, 3, """
                    observedGeneration: 2
                    conditions:
                      - type: Ready
                        status: "True"
                        reason: MonitorsInSync
                        message: 6 monitors in sync
                    """),
                    "Progressing",
                    "Waiting for the operator"));
            cases.add(Arguments.of(
                    script,
                    "no Ready condition",
                    withStatus(script, 1, """
                    observedGeneration: 1
                    conditions:
                      - type: Other
                        status: "True"
                        reason: Whatever
                        message: not the one that counts
                    """),
                    "Progressing",
                    "Waiting for the operator"));
            cases.add(Arguments.of(script, "Ready True", withStatus(script, 2, """
                    observedGeneration: 2
                    conditions:
                      - type: Ready
                        status: "True"
                        reason: MonitorsInSync
                        message: 6 monitors in sync
                    """), "Healthy", "6 monitors in sync"));
            cases.add(Arguments.of(
                    script,
                    "Ready True without a message",
                    withStatus(script, 1, readyStatus(1, "True", "ProfileValid", null)),
                    "Healthy",
                    "ProfileValid"));
            cases.add(Arguments.of(
                    script,
                    "Ready True, observedGeneration not written",
                    withStatus(script, 4, """
                            conditions:
                              - type: Ready
                                status: "True"
                                reason: MonitorsInSync
                                message: in sync
                            """),
                    "Healthy",
                    "in sync"));
            cases.add(Arguments.of(
                    script,
                    "newer status than the generation seen (cache lag)",
                    withStatus(script, 1, readyStatus(2, "True", "MonitorsInSync", "in sync")),
                    "Healthy",
                    "in sync"));
            cases.add(Arguments.of(
                    script,
                    "rate limited",
                    withStatus(
                            script,
                            1,
                            readyStatus(1, "False", "DatadogRateLimited", "rate limit used up; retry at 10:04:00")),
                    "Progressing",
                    "rate limit used up; retry at 10:04:00"));
            cases.add(Arguments.of(
                    script,
                    "Datadog unavailable",
                    withStatus(script, 1, readyStatus(1, "False", "DatadogUnavailable", "HTTP 503 from Datadog")),
                    "Progressing",
                    "HTTP 503 from Datadog"));
            cases.add(Arguments.of(
                    script,
                    "profile missing",
                    withStatus(
                            script,
                            1,
                            readyStatus(1, "False", "ProfileNotFound", "MonitoringProfile web-service does not exist")),
                    "Degraded",
                    "ProfileNotFound: MonitoringProfile web-service does not exist"));
            cases.add(Arguments.of(
                    script,
                    "forbidden needs a person",
                    withStatus(script, 1, readyStatus(1, "False", "DatadogForbidden", "HTTP 403: check DD_APP_KEY")),
                    "Degraded",
                    "DatadogForbidden: HTTP 403: check DD_APP_KEY"));
            cases.add(Arguments.of(
                    script,
                    "Ready Unknown",
                    withStatus(script, 1, readyStatus(1, "Unknown", "Reconciling", "starting")),
                    "Progressing",
                    "Waiting for the operator"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1} -> {3}")
    @MethodSource("readyConditionCases")
    void readyConditionKinds(String script, String situation, String object, String status, String message) {
        assertThat(run(script, object)).isEqualTo(new Health(status, message));
    }

    /** Every reason the operator can write with Ready=False: transient ones wait, the rest are Degraded. */
    static Stream<Arguments> everyFalseReason() {
        List<Arguments> cases = new ArrayList<>();
        for (String reason : allReasons()) {
            if (READY_TRUE.contains(reason)) {
                continue;
            }
            for (String script : List.of(SERVICE_MONITORING, MONITORING_PROFILE)) {
                cases.add(Arguments.of(script, reason));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: Ready False {1}")
    @MethodSource("everyFalseReason")
    void everyReasonOfReadyFalse(String script, String reason) {
        Health health = run(script, withStatus(script, 5, readyStatus(5, "False", reason, "details")));
        if (TRANSIENT.contains(reason)) {
            assertThat(health).isEqualTo(new Health("Progressing", "details"));
        } else {
            assertThat(health).isEqualTo(new Health("Degraded", reason + ": details"));
        }
    }

    @Test
    void aFullServiceMonitoringAsTheApiServerReturnsIt() {
        String object = """
                apiVersion: mimamori.dev/v1alpha1
                kind: ServiceMonitoring
                metadata:
                  name: checkout
                  namespace: shop
                  generation: 7
                  finalizers: ["mimamori.dev/monitors"]
                spec:
                  service: checkout
                  env: prod
                  notify: ["@slack-payments"]
                status:
                  observedGeneration: 7
                  monitorsInSync: 6/6
                  monitors:
                    - name: latency-p95
                      id: 1234
                  conditions:
                    - type: Ready
                      status: "True"
                      reason: MonitorsInSync
                      message: 6 of 6 monitors in sync
                      observedGeneration: 7
                      lastTransitionTime: "2025-11-20T10:00:00Z"
                """;
        assertThat(run(SERVICE_MONITORING, object)).isEqualTo(new Health("Healthy", "6 of 6 monitors in sync"));
    }

    // ---- ReleaseCheck: driven by the phase and the action ----

    static Stream<Arguments> releaseCheckCases() {
        return Stream.of(
                Arguments.of("no status", releaseCheck(null, null), "Progressing", "Waiting for the operator"),
                Arguments.of(
                        "status without a phase yet",
                        releaseCheck(null, "observedGeneration: 1"),
                        "Progressing",
                        "Waiting for the operator"),
                Arguments.of(
                        "Pending (warming up)",
                        releaseCheck(null, """
                        phase: Pending
                        message: warming up; analysis starts at 2025-11-20T10:02:00Z
                        conditions:
                          - type: Ready
                            status: "False"
                            reason: WarmingUp
                            message: warming up; analysis starts at 2025-11-20T10:02:00Z
                        """),
                        "Progressing",
                        "warming up; analysis starts at 2025-11-20T10:02:00Z"),
                Arguments.of(
                        "Analyzing",
                        releaseCheck(null, """
                        phase: Analyzing
                        message: analyzing; verdict due at 2025-11-20T10:14:00Z
                        """),
                        "Progressing",
                        "analyzing; verdict due at 2025-11-20T10:14:00Z"),
                Arguments.of(
                        "Analyzing, Datadog down for now",
                        releaseCheck(null, """
                        phase: Analyzing
                        message: analyzing; verdict due at 2025-11-20T10:14:00Z
                        conditions:
                          - type: Ready
                            status: "False"
                            reason: DatadogUnavailable
                            message: "analysis paused, will retry: HTTP 503"
                        """),
                        "Progressing",
                        "analyzing; verdict due at 2025-11-20T10:14:00Z"
                                + " (DatadogUnavailable: analysis paused, will retry: HTTP 503)"),
                Arguments.of(
                        "Analyzing without a message",
                        releaseCheck(null, "phase: Analyzing"),
                        "Progressing",
                        "Analyzing"),
                Arguments.of(
                        "Passed, action still pending",
                        releaseCheck(null, """
                        phase: Passed
                        verdict: Passed
                        message: "all 2 metrics within bounds: passed"
                        action: {type: Flag, result: Pending}
                        """),
                        "Progressing",
                        "all 2 metrics within bounds: passed; acting: Flag"),
                Arguments.of(
                        "Failed, rollback still pending",
                        releaseCheck("onFailure: Rollback", """
                        phase: Failed
                        verdict: Failed
                        message: "p95 latency +38% (212 -> 293, p=0.0004): failed"
                        action: {type: Rollback, result: Pending}
                        """),
                        "Progressing",
                        "p95 latency +38% (212 -> 293, p=0.0004): failed; acting: Rollback"),
                Arguments.of(
                        "Passed", releaseCheck(null, """
                        phase: Passed
                        verdict: Passed
                        message: "all 2 metrics within bounds: passed; annotated"
                        action: {type: Flag, result: Done, message: annotated}
                        """), "Healthy", "all 2 metrics within bounds: passed; annotated"),
                Arguments.of(
                        "Failed and flagged", releaseCheck(null, """
                        phase: Failed
                        verdict: Failed
                        message: "error rate +120%: failed; flagged"
                        action: {type: Flag, result: Done, message: flagged}
                        """), "Degraded", "error rate +120%: failed; flagged"),
                Arguments.of(
                        "Failed and rolled back",
                        releaseCheck("onFailure: Rollback", """
                        phase: Failed
                        verdict: Failed
                        message: "p95 latency +38%: failed; rolled back to revision 6"
                        action: {type: Rollback, result: Done, message: rolled back to revision 6}
                        """),
                        "Degraded",
                        "p95 latency +38%: failed; rolled back to revision 6"),
                Arguments.of(
                        "Failed and paused",
                        releaseCheck("onFailure: Pause", """
                        phase: Failed
                        verdict: Failed
                        message: "p95 latency +38%: failed; paused the rollout"
                        action: {type: Pause, result: Done, message: paused the rollout}
                        """),
                        "Suspended",
                        "p95 latency +38%: failed; paused the rollout;"
                                + " a person has to resume or roll back the Deployment"),
                Arguments.of(
                        "Inconclusive, onInconclusive unset (Flag)",
                        releaseCheck(null, """
                        phase: Inconclusive
                        verdict: Inconclusive
                        message: "p95 latency: only 5 candidate points: inconclusive; annotated"
                        action: {type: Flag, result: Done, message: annotated}
                        """),
                        "Degraded",
                        "p95 latency: only 5 candidate points: inconclusive; annotated"),
                Arguments.of(
                        "Inconclusive, onInconclusive Pass",
                        releaseCheck("onInconclusive: Pass", """
                        phase: Inconclusive
                        verdict: Inconclusive
                        message: "p95 latency: only 5 candidate points: inconclusive; annotated"
                        action: {type: Flag, result: Done, message: annotated}
                        """),
                        "Healthy",
                        "p95 latency: only 5 candidate points: inconclusive; annotated"
                                + " (inconclusive, counted as passed: onInconclusive is Pass)"),
                Arguments.of(
                        "Inconclusive counted as failed, then paused",
                        releaseCheck("onInconclusive: Fail\nonFailure: Pause", """
                                phase: Inconclusive
                                verdict: Inconclusive
                                message: "no data: inconclusive; paused the rollout"
                                action: {type: Pause, result: Done, message: paused the rollout}
                                """),
                        "Suspended",
                        "no data: inconclusive; paused the rollout;"
                                + " a person has to resume or roll back the Deployment"),
                Arguments.of(
                        "Inconclusive counted as failed, then rolled back",
                        releaseCheck("onInconclusive: Fail\nonFailure: Rollback", """
                                phase: Inconclusive
                                verdict: Inconclusive
                                message: "no data: inconclusive; rolled back to revision 3"
                                action: {type: Rollback, result: Done, message: rolled back to revision 3}
                                """),
                        "Degraded",
                        "no data: inconclusive; rolled back to revision 3"),
                Arguments.of(
                        "Error: the action failed",
                        releaseCheck("onFailure: Rollback", """
                        phase: Error
                        verdict: Failed
                        message: "p95 latency +38%: failed; no previous revision to roll back to"
                        action: {type: Rollback, result: Failed, message: no previous revision to roll back to}
                        """),
                        "Degraded",
                        "p95 latency +38%: failed; no previous revision to roll back to"),
                Arguments.of(
                        "Error before any analysis",
                        releaseCheck(null, """
                        phase: Error
                        message: Deployment checkout not found in shop
                        conditions:
                          - type: Ready
                            status: "False"
                            reason: WorkloadNotFound
                            message: Deployment checkout not found in shop
                        """),
                        "Degraded",
                        "Deployment checkout not found in shop"),
                Arguments.of(
                        "Superseded",
                        releaseCheck(null, """
                        phase: Superseded
                        message: superseded by revision 8 before a verdict; no action taken
                        """),
                        "Healthy",
                        "superseded by revision 8 before a verdict; no action taken"),
                Arguments.of(
                        "a phase this script does not know",
                        releaseCheck(null, "phase: Paused"),
                        "Progressing",
                        "Unknown phase Paused; the health check may be older than the operator"));
    }

    @ParameterizedTest(name = "ReleaseCheck: {0} -> {2}")
    @MethodSource("releaseCheckCases")
    void releaseCheck(String situation, String object, String status, String message) {
        assertThat(run(RELEASE_CHECK, object)).isEqualTo(new Health(status, message));
    }

    @Test
    void aFinishedCheckKeepsItsVerdictAfterItsSpecIsEdited() {
        String object = """
                apiVersion: mimamori.dev/v1alpha1
                kind: ReleaseCheck
                metadata:
                  name: checkout-7
                  namespace: shop
                  generation: 2
                spec:
                  workload: {kind: Deployment, name: checkout}
                  onFailure: Rollback
                status:
                  observedGeneration: 1
                  phase: Passed
                  verdict: Passed
                  message: all 2 metrics within bounds; annotated
                  action: {type: Flag, result: Done, message: annotated}
                """;
        assertThat(run(RELEASE_CHECK, object))
                .isEqualTo(new Health("Healthy", "all 2 metrics within bounds; annotated"));
    }

    // ---- the ConfigMap patch carries exactly the files ----

    @Test
    void argocdCmPatchInlinesTheScriptsUnchanged() throws IOException {
        JsonNode patch = YAML.readTree(DIR.resolve("argocd-cm-patch.yaml").toFile());
        assertThat(patch.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(patch.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(patch.path("metadata").path("name").asText()).isEqualTo("argocd-cm");
        assertThat(patch.path("metadata").path("namespace").asText()).isEqualTo("argocd");

        Map<String, String> expected = Map.of(
                "resource.customizations.health.mimamori.dev_ServiceMonitoring", SERVICE_MONITORING,
                "resource.customizations.health.mimamori.dev_MonitoringProfile", MONITORING_PROFILE,
                "resource.customizations.health.mimamori.dev_ReleaseCheck", RELEASE_CHECK);
        JsonNode data = patch.path("data");
        List<String> keys = data.properties().stream().map(Map.Entry::getKey).toList();
        assertThat(keys).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((key, file) -> assertThat(data.path(key).asText())
                .as("%s must be the text of %s (edit the .lua file, then copy it into the patch)", key, file)
                .isEqualTo(read(file)));
    }

    @ParameterizedTest
    @ValueSource(strings = {SERVICE_MONITORING, MONITORING_PROFILE, RELEASE_CHECK})
    void scriptsAlwaysAnswerAnArgoHealthStatus(String script) {
        for (String object : List.of(
                "{}",
                "metadata: {generation: 1}",
                "status: {conditions: []}",
                "status: {phase: Failed}",
                "status: {phase: Failed, action: {}}")) {
            assertThat(run(script, object).status()).as(object).isIn(ARGO_STATUSES);
        }
    }

    // ---- helpers ----

    /** A ServiceMonitoring or MonitoringProfile with the given generation and status (YAML, or null for none). */
    private static String withStatus(String script, long generation, String statusYaml) {
        String head = SERVICE_MONITORING.equals(script) ? """
                apiVersion: mimamori.dev/v1alpha1
                kind: ServiceMonitoring
                metadata:
                  name: checkout
                  namespace: shop
                  generation: %d
                spec:
                  service: checkout
                  env: prod
                """.formatted(generation) : """
                apiVersion: mimamori.dev/v1alpha1
                kind: MonitoringProfile
                metadata:
                  name: web-service
                  generation: %d
                spec:
                  parameters: {latencyP95Ms: "500"}
                """.formatted(generation);
        return statusYaml == null ? head : head + "status:\n" + statusYaml.indent(2);
    }

    private static String readyStatus(long observedGeneration, String status, String reason, String message) {
        return """
                observedGeneration: %d
                conditions:
                  - type: Ready
                    status: "%s"
                    reason: %s
                %s""".formatted(
                observedGeneration, status, reason, message == null ? "" : "    message: \"" + message + "\"\n");
    }

    /** A ReleaseCheck with extra spec fields and a status, both YAML (or null for none). */
    private static String releaseCheck(String extraSpec, String statusYaml) {
        String spec = "  workload: {kind: Deployment, name: checkout}\n";
        if (extraSpec != null) {
            spec += extraSpec.indent(2);
        }
        String head = """
                apiVersion: mimamori.dev/v1alpha1
                kind: ReleaseCheck
                metadata:
                  name: checkout-7
                  namespace: shop
                  generation: 1
                spec:
                """ + spec;
        return statusYaml == null ? head : head + "status:\n" + statusYaml.indent(2);
    }

    private static List<String> allReasons() {
        List<String> reasons = new ArrayList<>();
        for (Field field : Reasons.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    reasons.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        assertThat(reasons).contains(Reasons.PROFILE_NOT_FOUND, Reasons.DATADOG_UNAVAILABLE);
        return reasons;
    }

    private static String read(String file) {
        try {
            return Files.readString(DIR.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a health script against an object given as YAML (JSON is YAML too). */
    static Health run(String script, String objectYaml) {
        JsonNode object;
        try {
            object = YAML.readTree(objectYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Globals globals = JsePlatform.standardGlobals();
        // Argo CD opens only the base, table, package and (a safe) os library for custom health checks.
        for (String library : List.of("string", "math", "io", "debug", "coroutine", "luajava", "bit32", "utf8")) {
            globals.set(library, LuaValue.NIL);
        }
        // Without the string library, gopher-lua strings have no methods either ("s:sub(1)" fails there too).
        LuaString.s_metatable = null;
        globals.set("obj", toLua(object));
        LuaValue result = globals.load(read(script), script).call();
        assertThat(result.istable()).as("%s returns a table", script).isTrue();
        LuaValue status = result.get("status");
        LuaValue message = result.get("message");
        assertThat(status.isstring()).as("%s sets hs.status", script).isTrue();
        assertThat(message.isstring()).as("%s sets hs.message", script).isTrue();
        assertThat(status.tojstring()).isIn(ARGO_STATUSES);
        return new Health(status.tojstring(), message.tojstring());
    }

    /** JSON to Lua as Argo CD converts an object: maps to tables, arrays to 1-based tables, null to nil. */
    static LuaValue toLua(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return LuaValue.NIL;
        }
        if (node.isObject()) {
            LuaTable table = new LuaTable();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                table.set(field.getKey(), toLua(field.getValue()));
            }
            return table;
        }
        if (node.isArray()) {
            LuaTable table = new LuaTable();
            int index = 1;
            for (JsonNode item : node) {
                table.set(index++, toLua(item));
            }
            return table;
        }
        if (node.isBoolean()) {
            return LuaValue.valueOf(node.booleanValue());
        }
        if (node.isNumber()) {
            return LuaValue.valueOf(node.doubleValue());
        }
        return LuaValue.valueOf(node.asText());
    }
}
