package dev.mimamori.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator refuses what Datadog refuses, in Datadog's words where they are known: one test per rule of
 * docs/datadog-contract.md added with it. Bodies are sent raw, as the typed client could not build most of them.
 */
class DatadogContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METRIC_QUERY =
            "\"query\":{\"numerator\":\"sum:good{*}.as_count()\"," + "\"denominator\":\"sum:all{*}.as_count()\"}";

    private static DatadogSimulator sim;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        sim = new DatadogSimulator().start();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.clear();
    }

    private static String monitor(String type, String query, String options) {
        return "{\"name\":\"m\",\"type\":\"" + type + "\",\"query\":\"" + query.replace("\"", "\\\"")
                + "\",\"message\":\"m\",\"options\":" + options + "}";
    }

    private static String slo(String thresholds) {
        return "{\"name\":\"s\",\"type\":\"metric\",\"thresholds\":" + thresholds + "," + METRIC_QUERY + "}";
    }

    private static String createSlo(double target) throws Exception {
        String answer = post("/api/v1/slo", slo("[{\"timeframe\":\"30d\",\"target\":" + target + "}]"));
        assertThat(answer).startsWith("200 ");
        return JSON.readTree(answer.substring(4)).path("data").get(0).path("id").asText();
    }

    private static String burnRate(String sloId, String longWindow, String shortWindow, String factor) {
        return "burn_rate(\"" + sloId + "\").over(\"30d\").long_window(\"" + longWindow + "\").short_window(\""
                + shortWindow + "\") > " + factor;
    }

    @Test
    void anEnumValueOutsideTheClientModelIsRefused() throws Exception {
        String options = "{\"thresholds\":{\"critical\":5},\"on_missing_data\":\"sometimes\"}";
        assertThat(post("/api/v1/monitor", monitor("query alert", "avg(last_5m):avg:cpu{*} > 5", options)))
                .startsWith("400 ")
                .contains("'on_missing_data' is invalid", "\\\"sometimes\\\"", "'show_and_notify_no_data'");
        String timeSlice = "{\"name\":\"s\",\"type\":\"time_slice\",\"thresholds\":[{\"timeframe\":\"7d\","
                + "\"target\":99}],\"sli_specification\":{\"time_slice\":{\"comparator\":\">\",\"threshold\":1,"
                + "\"query\":{\"formulas\":[{\"formula\":\"a\"}],\"queries\":[{\"data_source\":\"logs\","
                + "\"name\":\"a\",\"query\":\"avg:cpu{*}\"}]}}}}";
        assertThat(post("/api/v1/slo", timeSlice)).startsWith("400 ").contains("'queries' is invalid");
        String dashboard = "{\"title\":\"t\",\"layout_type\":\"ordered\",\"widgets\":[{\"definition\":"
                + "{\"type\":\"timeseries\",\"requests\":[{\"q\":\"avg:cpu{*}\",\"display_type\":\"dots\"}]}}]}";
        assertThat(post("/api/v1/dashboard", dashboard)).startsWith("400 ").contains("is invalid");
        assertThat(sim.monitors()).isEmpty();
        assertThat(sim.slos()).isEmpty();
        assertThat(sim.dashboards()).isEmpty();
    }

    @Test
    void aValueOfTheWrongKindIsRefused() throws Exception {
        String body = monitor("query alert", "avg(last_5m):avg:cpu{*} > 5", "{\"thresholds\":{\"critical\":5}}")
                .replace("\"message\":\"m\"", "\"message\":\"m\",\"priority\":\"high\"");
        assertThat(post("/api/v1/monitor", body)).startsWith("400 ").contains("'priority' is invalid");
    }

    @Test
    void metricSloTargetsAndWarningsTakeAtMostThreeDecimals() throws Exception {
        assertThat(post("/api/v1/slo", slo("[{\"timeframe\":\"30d\",\"target\":99.9995}]")))
                .startsWith("400 ")
                .contains("target 99.9995 has more than 3 decimal places");
        assertThat(post("/api/v1/slo", slo("[{\"timeframe\":\"30d\",\"target\":99.5,\"warning\":99.9999}]")))
                .startsWith("400 ")
                .contains("warning 99.9999 has more than 3 decimal places");
        assertThat(post("/api/v1/slo", slo("[{\"timeframe\":\"30d\",\"target\":99.995}]")))
                .startsWith("200 ");
        assertThat(post("/api/v1/slo", slo("[{\"timeframe\":\"30d\",\"target\":0}]")))
                .startsWith("400 ")
                .contains("must be greater than 0 and less than 100");
        assertThat(post("/api/v1/slo", slo("[{\"timeframe\":\"30d\",\"target\":99,\"warning\":98}]")))
                .startsWith("400 ")
                .contains("must be greater than the target");
    }

    @Test
    void monitorSloTargetsTakeTwoDecimalsOver7dAnd30dAndThreeOver90d() throws Exception {
        String created = post(
                "/api/v1/monitor",
                monitor("query alert", "avg(last_5m):avg:cpu{*} > 5", "{\"thresholds\":{\"critical\":5}}"));
        long id = JSON.readTree(created.substring(4)).path("id").asLong();
        String body = "{\"name\":\"s\",\"type\":\"monitor\",\"monitor_ids\":[" + id + "],\"thresholds\":";
        assertThat(post("/api/v1/slo", body + "[{\"timeframe\":\"30d\",\"target\":99.995}]}"))
                .startsWith("400 ")
                .contains("more than 2 decimal places");
        assertThat(post("/api/v1/slo", body + "[{\"timeframe\":\"90d\",\"target\":99.995}]}"))
                .startsWith("200 ");
    }

    @Test
    void burnRateAlertsStayWithinWhatTheSloCanBurn() throws Exception {
        String sloId = createSlo(90);
        assertThat(post(
                        "/api/v1/monitor",
                        monitor(
                                "slo alert",
                                burnRate(sloId, "1h", "5m", "14.4"),
                                "{\"thresholds\":{\"critical\":14.4}}")))
                .isEqualTo("400 {\"errors\":[\"Alert threshold (14.4) "
                        + "must be in range 0 to 10.0 for burn rate alerts (max threshold = 1/1-slo target).\"]}");
        assertThat(post(
                        "/api/v1/monitor",
                        monitor("slo alert", burnRate(sloId, "1h", "5m", "10"), "{\"thresholds\":{\"critical\":10}}")))
                .startsWith("200 ");
    }

    @Test
    void burnRateWindowsAreALongWindowOf1hTo48hAndAShorterShortWindow() throws Exception {
        String sloId = createSlo(99.9);
        assertThat(post("/api/v1/monitor", monitor("slo alert", burnRate(sloId, "30m", "5m", "14.4"), "{}")))
                .startsWith("400 ")
                .contains("the long window (30m) must be between 1h and 48h");
        assertThat(post("/api/v1/monitor", monitor("slo alert", burnRate(sloId, "49h", "1h", "2"), "{}")))
                .startsWith("400 ")
                .contains("the long window (49h) must be between 1h and 48h");
        assertThat(post("/api/v1/monitor", monitor("slo alert", burnRate(sloId, "6h", "6h", "6"), "{}")))
                .startsWith("400 ")
                .contains("must be shorter than the long window");
        assertThat(post(
                        "/api/v1/monitor",
                        monitor("slo alert", burnRate("0123456789abcdef", "1h", "5m", "14.4"), "{}")))
                .startsWith("400 ")
                .contains("SLO 0123456789abcdef not found");
        assertThat(post("/api/v1/monitor", monitor("slo alert", burnRate(sloId, "48h", "4h", "1"), "{}")))
                .startsWith("200 ");
    }

    @Test
    void aCriticalThresholdOtherThanTheQuerysIsRefusedInDatadogsWords() throws Exception {
        assertThat(post(
                        "/api/v1/monitor",
                        monitor("query alert", "avg(last_5m):avg:cpu{*} > 5", "{\"thresholds\":{\"critical\":6}}")))
                .isEqualTo("400 {\"errors\":[\"Alert threshold (6) does not match that used in the query (5).\"]}");
    }

    @Test
    void sloTagsAreStoredLowerCasedAndCutAt200Characters() throws Exception {
        String body = slo("[{\"timeframe\":\"30d\",\"target\":99}]")
                .replace(
                        "\"name\":\"s\"",
                        "\"name\":\"s\",\"tags\":[\"Team:Payments\",\"owner:" + "b".repeat(230) + "\"]");
        JsonNode stored = JSON.readTree(post("/api/v1/slo", body).substring(4))
                .path("data")
                .get(0)
                .path("tags");
        assertThat(stored.get(0).asText()).hasSize(200).startsWith("owner:bbb");
        assertThat(stored.get(1).asText()).isEqualTo("team:payments");
    }

    private static String dashboard(String variables, String request) {
        return "{\"title\":\"t\",\"layout_type\":\"ordered\",\"template_variables\":" + variables
                + ",\"widgets\":[{\"definition\":{\"type\":\"timeseries\",\"requests\":[" + request + "]}}]}";
    }

    @Test
    void templateVariablesAreRefusedInTheWordsDatadogAnswered() throws Exception {
        String q = "{\"q\":\"avg:cpu{*}\"}";
        assertThat(post(
                        "/api/v1/dashboard",
                        dashboard("[{\"name\":\"env\",\"default\":\"prod\",\"defaults\":[\"prod\"]}]", q)))
                .isEqualTo("400 {\"errors\":[\"'template_variables' is invalid\"]}");
        assertThat(post("/api/v1/dashboard", dashboard("[{\"name\":\"env\",\"defaults\":[\"\"]}]", q)))
                .isEqualTo("400 {\"errors\":[\"Minimum length of parameter 'defaults' should be 1\"]}");
    }

    @Test
    void deprecatedLegacyRequestsAreStillAcceptedAndEchoedAsSent() throws Exception {
        // Datadog deprecates q, widget events and default, but its API still takes them (client cassettes).
        String legacy = "{\"title\":\"t\",\"layout_type\":\"ordered\",\"template_variables\":[{\"name\":\"env\","
                + "\"default\":\"prod\"}],\"widgets\":[{\"definition\":{\"type\":\"timeseries\",\"requests\":"
                + "[{\"q\":\"avg:cpu{$env}\",\"display_type\":\"line\"}],\"events\":[{\"q\":\"$env\"}]}}]}";
        String answer = post("/api/v1/dashboard", legacy);
        assertThat(answer).startsWith("200 ");
        JsonNode widget = JSON.readTree(answer.substring(4)).path("widgets").get(0);
        assertThat(widget.path("id").canConvertToLong()).isTrue();
        assertThat(widget.path("definition"))
                .isEqualTo(JSON.readTree(legacy).path("widgets").get(0).path("definition"));

        String formula = "{\"response_format\":\"timeseries\",\"display_type\":\"line\",\"queries\":[{\"data_source\":"
                + "\"metrics\",\"name\":\"q0\",\"query\":\"avg:cpu{$env}\"}],\"formulas\":[{\"formula\":\"q0 * 100\"}]}";
        String overlay =
                "{\"response_format\":\"timeseries\",\"display_type\":\"overlay\",\"queries\":[{\"data_source\":"
                        + "\"events\",\"name\":\"deploys\",\"search\":{\"query\":\"$env\"},\"compute\":{\"aggregation\":"
                        + "\"count\"}}],\"formulas\":[{\"formula\":\"deploys\"}]}";
        String current = dashboard("[{\"name\":\"env\",\"defaults\":[\"*\"]}]", formula + "," + overlay);
        answer = post("/api/v1/dashboard", current);
        assertThat(answer).startsWith("200 ");
        assertThat(JSON.readTree(answer.substring(4)).path("widgets").get(0).path("definition"))
                .isEqualTo(JSON.readTree(current).path("widgets").get(0).path("definition"));
    }

    private static String post(String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.url() + path))
                .header("DD-API-KEY", sim.apiKey())
                .header("DD-APPLICATION-KEY", sim.appKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
