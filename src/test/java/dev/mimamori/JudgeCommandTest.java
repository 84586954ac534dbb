package dev.mimamori;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The judge command as a person replaying past releases uses it: a verdict line per case, one clear line for bad input. */
class JudgeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int code, List<JsonNode> verdicts, String err) {}

    static Run judge(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = JudgeCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        List<JsonNode> verdicts = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                verdicts.add(JSON.readTree(line));
            }
        }
        return new Run(code, verdicts, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theExampleCasesGetOneVerdictEach() throws Exception {
        Run run = judge("judge", "-f", "examples/judge-cases.jsonl");

        assertThat(run.err()).isEmpty();
        assertThat(run.code()).isZero();
        assertThat(run.verdicts())
                .extracting(v -> v.path("id").asText() + " " + v.path("verdict").asText())
                .containsExactly(
                        "checkout-1.4.2-unchanged Passed",
                        "checkout-1.4.3-slow Failed",
                        "search-2.0.0-gaps Inconclusive",
                        "ingest-3.1.0-throughput Failed",
                        "catalog-5.1.0-neighbour Inconclusive");
        assertThat(run.verdicts().get(4).path("attribution").path("message").asText())
                .startsWith("a neighbour: other workloads on node-7 used 3.60 cores (was 0.50)")
                .contains("nightly-etl on node-7 3.10 cores");
        JsonNode slow = run.verdicts().get(1);
        assertThat(slow.path("decidedBy").asText()).isEqualTo("EarlyFail");
        assertThat(slow.path("decidedAtBucket").asInt()).isLessThan(15);
        assertThat(slow.path("metrics").get(0).path("reason").asText()).contains("beyond the 10% allowed");
        assertThat(slow.path("metrics")).hasSize(2);
        JsonNode unchanged = run.verdicts().get(0);
        assertThat(unchanged.path("decidedAtBucket").asInt()).isEqualTo(15);
        assertThat(unchanged.path("decidedAtMinute").asDouble()).isEqualTo(19.0);
        assertThat(run.verdicts()
                        .get(2)
                        .path("metrics")
                        .get(0)
                        .path("candidateCount")
                        .asInt())
                .isEqualTo(7);
        // Requests per second fell to 0: a regression with no finite percentage.
        JsonNode fellToZero = run.verdicts().get(3).path("metrics").get(0);
        assertThat(fellToZero.path("regressionPercent").isNull()).isTrue();
        assertThat(fellToZero.path("regressionPercentUnbounded").asText()).isEqualTo("positive");
        for (JsonNode verdict : run.verdicts()) {
            for (JsonNode metric : verdict.path("metrics")) {
                for (String field : List.of(
                        "baselineMedian",
                        "candidateMedian",
                        "changePercent",
                        "regressionPercent",
                        "pValue",
                        "varianceInflation")) {
                    assertThat(metric.path(field).isNumber()
                                    || metric.path(field).isNull())
                            .as(verdict.path("id").asText() + " " + field + ": " + metric.path(field))
                            .isTrue();
                }
            }
        }
    }

    @Test
    void aBadFieldNamesTheCaseAndTheFieldAndStopsWithExitOne() throws Exception {
        Path cases = dir.resolve("cases.jsonl");
        Files.writeString(cases, """
                {"id":"good","metrics":[{"name":"p95","baseline":[1,2,3],"candidate":[1,2,3]}]}
                {"id":"tuesday","metrics":[{"name":"p95","baseline":[1,"x",3],"candidate":[1,2,3]}]}
                """);

        Run run = judge("judge", "-f", cases.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.verdicts()).hasSize(1);
        assertThat(run.err())
                .isEqualTo("judge: case tuesday: metrics[0]: field baseline[1]: a number or null, not" + " \"x\"\n");
    }

    @Test
    void everyKindOfBadInputGetsItsOwnMessage() throws Exception {
        assertThat(judgeLine("{\"metrics\":[]}"))
                .isEqualTo("judge: " + dir.resolve("c.jsonl") + " line 1: field id: a non-empty string is required\n");
        assertThat(judgeLine("{\"id\":\"a\"}")).endsWith("case a: field metrics: a non-empty array is required\n");
        assertThat(judgeLine("{\"id\":\"a\",\"metrics\":[{\"name\":\"p\",\"baseline\":[1]}]}"))
                .endsWith("case a: metrics[0]: field candidate: an array of numbers (null for a missing bucket) is"
                        + " required\n");
        assertThat(judgeLine("{\"id\":\"a\",\"metrics\":[{\"name\":\"p\",\"direction\":\"Up\",\"baseline\":[1],"
                        + "\"candidate\":[1]}]}"))
                .endsWith("case a: metrics[0]: field direction: LowerIsBetter or" + " HigherIsBetter, not \"Up\"\n");
        assertThat(judgeLine("{\"id\":\"a\",\"analysis\":{\"confidence\":1.5},\"metrics\":[{\"name\":\"p\","
                        + "\"baseline\":[1],\"candidate\":[1]}]}"))
                .endsWith("case a: field analysis.confidence: between 0 and 1, not 1.5\n");
        assertThat(judgeLine("{\"id\":\"a\",\"duration\":\"15m\",\"metrics\":[]}"))
                .startsWith("judge: case a: unknown field duration");
        assertThat(judgeLine("{\"id\":\"a\",\"bucket\":\"5s\",\"metrics\":[{\"name\":\"p\",\"baseline\":[1],"
                        + "\"candidate\":[1]}]}"))
                .endsWith("case a: field bucket: at least 10s, not 5s\n");
        assertThat(judgeLine("not json")).contains("line 1: not a JSON object");
        assertThat(judge("judge").err()).isEqualTo("judge: " + JudgeCommand.USAGE + "\n");
        assertThat(judge("judge", "-f", dir.resolve("missing.jsonl").toString()).err())
                .endsWith("no such file\n");
    }

    @Test
    void requestCountsWeighTheErrorRateByTraffic() throws Exception {
        // Baseline 60 requests a minute with one error in 15 minutes; candidate 600 a minute at the same 0.5%.
        String baseline = "[0,0,0,0,0.016666666666666666,0,0,0,0,0,0,0,0,0,0]";
        String candidate =
                "[0.005,0.005,0.005,0.005,0.005,0.005,0.005,0.005,0.005,0.005,0.005,0.005,0.005,0.005,0.005]";
        String metric = "{\"name\":\"error rate\",\"maxRegressionPercent\":50,\"absoluteFloor\":0.001,"
                + "\"baseline\":" + baseline + ",\"candidate\":" + candidate;
        Path cases = dir.resolve("rates.jsonl");
        Files.writeString(
                cases,
                "{\"id\":\"shares\",\"metrics\":[" + metric + "}]}\n"
                        + "{\"id\":\"weighted\",\"metrics\":[" + metric
                        + ",\"baselineRequests\":[60,60,60,60,60,60,60,60,60,60,60,60,60,60,60],"
                        + "\"candidateRequests\":[600,600,600,600,600,600,600,600,600,600,600,600,600,600,600]}]}\n");

        Run run = judge("judge", "-f", cases.toString());

        assertThat(run.err()).isEmpty();
        assertThat(run.verdicts()).extracting(v -> v.path("verdict").asText()).containsExactly("Failed", "Passed");
        assertThat(run.verdicts().get(1).path("metrics").get(0).path("reason").asText())
                .contains("per request 0.00111 -> 0.005");
        assertThat(judgeLine("{\"id\":\"a\",\"metrics\":[{\"name\":\"e\",\"baseline\":[0.1,0.2],\"candidate\":[0.1],"
                        + "\"baselineRequests\":[10,10]}]}"))
                .endsWith("case a: metrics[0]: field candidateRequests: required with the other request counts"
                        + " (both sides or neither)\n");
        assertThat(judgeLine("{\"id\":\"a\",\"metrics\":[{\"name\":\"e\",\"baseline\":[0.1,0.2],\"candidate\":[0.1],"
                        + "\"baselineRequests\":[10],\"candidateRequests\":[10]}]}"))
                .endsWith("case a: metrics[0]: field baselineRequests: 1 counts for 2 values; one count per bucket is"
                        + " required\n");
        assertThat(judgeLine("{\"id\":\"a\",\"metrics\":[{\"name\":\"e\",\"baseline\":[0.1],\"candidate\":[0.1],"
                        + "\"baselineRequests\":[-1],\"candidateRequests\":[10]}]}"))
                .endsWith("case a: metrics[0]: field baselineRequests[0]: a count >= 0 or null, not -1.0\n");
    }

    private String judgeLine(String line) throws Exception {
        Path cases = dir.resolve("c.jsonl");
        Files.writeString(cases, line + "\n");
        Run run = judge("judge", "-f", cases.toString());
        assertThat(run.code()).isEqualTo(1);
        return run.err();
    }
}
