package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mimamori.JudgeCommand;
import dev.mimamori.api.ReleaseCheckStatus;
import dev.mimamori.datadog.MetricSeries;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same recorded minutes given to the {@code judge} command and to the reconciler's step function: the same
 * verdict, reached at the same look. The check of {@link ReleaseCheckStepTest} (rollout at T0, verdict due T0+19m).
 */
class JudgeMatchesStepTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ReleaseCheckStepTest check = new ReleaseCheckStepTest();

    @TempDir
    Path dir;

    @Test
    void judgeAndStepFunctionAgreeOnUnchangedSlowerAndBrokenReleases() throws Exception {
        Random random = new Random(42);
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (double factor : new double[] {1.0, 1.05, 1.15, 1.3, 2.0}) {
            for (int run = 0; run < 4; run++) {
                double[] baseline = draw(random, 200, 15, 0.0);
                double[] candidate = draw(random, 200 * factor, 15, run == 3 ? 0.2 : 0.0);

                JsonNode judged = judge(baseline, candidate);
                String verdict = judged.path("verdict").asText();
                seen.add(verdict + "/" + judged.path("decidedBy").asText());
                int decidedAt = judged.path("decidedAtBucket").asInt();
                // The step function looks at minute warm-up + buckets + data delay after T0.
                ReleaseCheckStep.Step step = look(baseline, candidate, 2 + decidedAt + 2);

                assertThat(step.status().verdict)
                        .as("factor %s run %d", factor, run)
                        .isEqualTo(verdict);
                assertThat(step.status().decidedBy)
                        .isEqualTo(judged.path("decidedBy").asText());
                assertThat(step.status().metrics.get(0).reason)
                        .isEqualTo(judged.path("metrics").get(0).path("reason").asText());
                if (decidedAt < 15) {
                    assertThat(look(baseline, candidate, 2 + decidedAt + 1).status().verdict)
                            .as("no verdict a look earlier")
                            .isNull();
                }
            }
        }
        assertThat(seen)
                .as("every kind of outcome compared")
                .contains("Passed/Windows", "Failed/EarlyFail", "Failed/Windows");
    }

    private ReleaseCheckStep.Step look(double[] baseline, double[] candidate, int minute) {
        ReleaseCheckStatus analyzing = check.analyzing();
        return ReleaseCheckStep.next(
                analyzing, check.withSeries(series(baseline, candidate)), ReleaseCheckStepTest.at(minute));
    }

    /** Both versions as the reconciler's query returns them: a point a minute from T0-15m; NaN outside each window. */
    private static List<MetricSeries> series(double[] baseline, double[] candidate) {
        int points = 32;
        long[] times = new long[points];
        double[] before = new double[points];
        double[] after = new double[points];
        Arrays.fill(before, Double.NaN);
        Arrays.fill(after, Double.NaN);
        Instant from = ReleaseCheckStepTest.T0.minus(Duration.ofMinutes(15));
        for (int i = 0; i < points; i++) {
            times[i] = from.toEpochMilli() + i * ReleaseCheckStepTest.MINUTE;
        }
        System.arraycopy(baseline, 0, before, 0, 15);
        System.arraycopy(candidate, 0, after, 17, 15);
        return List.of(new MetricSeries("baseline", times, before), new MetricSeries("candidate", times, after));
    }

    private JsonNode judge(double[] baseline, double[] candidate) throws Exception {
        return judge(baseline, candidate, "");
    }

    private JsonNode judge(double[] baseline, double[] candidate, String moreFields) throws Exception {
        String line = "{\"id\":\"replay\",\"bucket\":\"1m\",\"metrics\":[{\"name\":\"p95 latency (ms)\","
                + "\"absoluteFloor\":2,\"baseline\":" + json(baseline) + ",\"candidate\":" + json(candidate) + "}]"
                + moreFields + "}";
        Path cases = dir.resolve("cases.jsonl");
        Files.writeString(cases, line + "\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = JudgeCommand.run(
                new String[] {"judge", "-f", cases.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(code).isZero();
        return JSON.readTree(out.toString(StandardCharsets.UTF_8));
    }

    /** Log-normal minutes around a median, with a rising share of missing ones when asked. */
    private static double[] draw(Random random, double median, int n, double missing) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextDouble() < missing
                    ? Double.NaN
                    : Math.round(median * Math.exp(0.1 * random.nextGaussian()) * 10) / 10.0;
        }
        return values;
    }

    private static String json(double[] values) {
        return Arrays.stream(values)
                .mapToObj(v -> Double.isNaN(v) ? "null" : Double.toString(v))
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void judgeAndStepFunctionAttributeARegressionToTheSameNeighbour() throws Exception {
        Random random = new Random(7);
        double[] baseline = draw(random, 200, 15, 0.0);
        double[] candidate = draw(random, 300, 15, 0.0);
        String window = "{\"requestsPerSecond\":100,\"nodes\":{\"node-a\":{\"ownCores\":1.0,\"ownWaitPercent\":%s,"
                + "\"busyPercent\":%s,\"others\":{\"cache\":0.4%s}},\"node-b\":{\"busyPercent\":10}}}";
        String attribution = ",\"attribution\":{\"service\":\"checkout\",\"baseline\":"
                + String.format(window, 2, 35, "") + ",\"candidate\":"
                + String.format(window, 30, 99, ",\"nightly-etl\":3.0") + "}";
        Attribution.Window during = AttributionTest.window(
                100, 1.0, 30, 99, java.util.Map.of("node-a", java.util.Map.of("cache", 0.4, "nightly-etl", 3.0)));

        JsonNode judged = judge(baseline, candidate, attribution);
        ReleaseCheckStep.Step step = ReleaseCheckStep.next(
                check.analyzing(),
                check.withSeries(series(baseline, candidate))
                        .withAttribution(new GateAttribution.Reply(AttributionTest.QUIET, during, null)),
                ReleaseCheckStepTest.at(2 + judged.path("decidedAtBucket").asInt() + 2));

        assertThat(judged.path("verdict").asText()).isEqualTo("Inconclusive");
        assertThat(step.status().verdict).isEqualTo("Inconclusive");
        assertThat(judged.path("attribution").path("cause").asText()).isEqualTo(step.status().attribution.cause);
        assertThat(judged.path("attribution").path("message").asText()).isEqualTo(step.status().attribution.message);
    }
}
