package dev.mimamori.servicemonitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.render.BuiltInProfile;
import dev.mimamori.render.MonitorRenderer;
import dev.mimamori.render.Rendering;
import dev.mimamori.render.TelemetryMetrics;
import dev.mimamori.testing.InMemoryDatadog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The telemetry round against an in-memory Datadog: its cost, and what each service is told. */
class TelemetryCheckTest {
    static final Duration INTERVAL = Duration.ofHours(1);
    final InMemoryDatadog datadog = new InMemoryDatadog();
    final Set<String> woken = new HashSet<>();
    final TelemetryCheck check = new TelemetryCheck(
            datadog,
            Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC),
            INTERVAL,
            Duration.ofSeconds(10),
            () -> true,
            woken::addAll);

    /** The metrics the built-in profile's monitors and SLOs read for a service. */
    static Set<String> builtInMetrics(String service, String env) {
        ServiceMonitoringSpec spec = new ServiceMonitoringSpec();
        spec.service = service;
        spec.env = env;
        Rendering r = MonitorRenderer.render(BuiltInProfile.spec(), spec, "ns/" + service, "c1");
        List<String> queries = new ArrayList<>();
        r.monitors().forEach(m -> queries.add(m.definition().query()));
        r.slos().forEach(s -> {
            queries.add(s.definition().numerator());
            queries.add(s.definition().denominator());
        });
        return TelemetryMetrics.in(queries);
    }

    static String service(int i) {
        return String.format("svc-%05d", i);
    }

    /** Every service reports every metric but the blind ones (every 100th) report nothing of trace.*. */
    void datadogHasDataForAllBut(Set<String> blind, List<String> services) {
        datadog.groups = query -> {
            boolean trace = query.startsWith("avg:trace.");
            boolean http = query.startsWith("avg:trace.http.request");
            if (trace && !http) {
                return Set.of();
            }
            return services.stream().filter(s -> !(trace && blind.contains(s))).collect(Collectors.toSet());
        };
    }

    @ParameterizedTest(name = "{0} services")
    @ValueSource(ints = {100, 1000, 5000})
    void aRoundCostsOneQueryPerMetricAndEnvWhateverTheNumberOfServices(int count) {
        List<String> services =
                IntStream.range(0, count).mapToObj(TelemetryCheckTest::service).toList();
        Set<String> blind = services.stream().filter(s -> s.endsWith("00")).collect(Collectors.toSet());
        datadogHasDataForAllBut(blind, services);
        Set<String> metrics = builtInMetrics("x", "prod");
        services.forEach(s -> check.resultFor("ns/" + s, new TelemetryCheck.Probe(s, "prod", metrics)));

        check.run();

        int queries = datadog.dataRequests.stream().mapToInt(List::size).sum();
        int requests = datadog.dataRequests.size();
        assertThat(queries).isEqualTo(TelemetryCheck.queriedMetrics(metrics).size());
        assertThat(requests)
                .isEqualTo(TelemetryCheck.requestsPerRound(metrics, 1))
                .isEqualTo(1);
        for (String s : services) {
            TelemetryCheck.Result result = check.resultFor("ns/" + s, new TelemetryCheck.Probe(s, "prod", metrics));
            if (blind.contains(s)) {
                assertThat(result.missing())
                        .as(s)
                        .containsExactlyElementsOf(new TreeSet<>(metrics.stream()
                                .filter(m -> m.startsWith("trace."))
                                .toList()));
            } else {
                assertThat(result.missing()).as(s).isEmpty();
            }
        }
        // One round per telemetry interval (1 h): the figures docs/performance.md quotes.
        int before =
                (count * metrics.size() + TelemetryCheck.QUERIES_PER_REQUEST - 1) / TelemetryCheck.QUERIES_PER_REQUEST;
        System.out.printf(
                "telemetry requests per hour at %d services, one env: %d (before, one query per service"
                        + " and metric: %d)%n",
                count, requests, before);
    }

    @Test
    void severalEnvsCostOneQueryPerMetricInEach() {
        Set<String> metrics = builtInMetrics("x", "prod");
        for (String env : List.of("prod", "staging", "dev")) {
            for (int i = 0; i < 300; i++) {
                check.resultFor(env + "/" + service(i), new TelemetryCheck.Probe(service(i), env, metrics));
            }
        }
        check.run();
        assertThat(datadog.dataRequests.stream().mapToInt(List::size).sum())
                .isEqualTo(3 * TelemetryCheck.queriedMetrics(metrics).size());
        assertThat(datadog.dataRequests).hasSize(TelemetryCheck.requestsPerRound(metrics, 3));
        assertThat(datadog.dataRequests)
                .allSatisfy(r -> assertThat(r)
                        .hasSizeLessThanOrEqualTo(50)
                        .allSatisfy(q -> assertThat(q).endsWith(" by {service}")));
    }

    @Test
    void theEntryOperationsEachServiceEmitsAreToldAndWakeItWhenTheyChange() {
        datadog.groups = query -> switch (query) {
            case "avg:trace.servlet.request.hits{env:prod} by {service}" -> Set.of("shop");
            case "avg:trace.http.request.hits{env:prod} by {service}" -> Set.of("shop", "go-api");
            default -> Set.of();
        };
        Set<String> metrics = builtInMetrics("x", "prod");
        check.resultFor("ns/shop", new TelemetryCheck.Probe("shop", "prod", metrics));
        check.resultFor("ns/go-api", new TelemetryCheck.Probe("go-api", "prod", metrics));
        assertThat(check.operationsOf("shop", "prod")).isNull();

        check.run();

        assertThat(check.operationsOf("shop", "prod")).containsExactlyInAnyOrder("servlet.request", "http.request");
        assertThat(check.operationsOf("go-api", "prod")).containsExactly("http.request");
        assertThat(woken).containsExactlyInAnyOrder("ns/shop", "ns/go-api");
    }

    @Test
    void aServiceAddedLaterMakesOneRoundThatAnswersEveryoneSoTheyStayDueTogether() {
        Set<String> metrics = builtInMetrics("x", "prod");
        check.resultFor("ns/a", new TelemetryCheck.Probe("a", "prod", metrics));
        check.run();
        check.resultFor("ns/b", new TelemetryCheck.Probe("b", "prod", metrics));
        check.run();
        int rounds = datadog.dataRequests.size();
        check.run();
        assertThat(datadog.dataRequests).as("nothing due").hasSize(rounds);
        assertThat(datadog.dataRequests.get(rounds - 1)).isEqualTo(datadog.dataRequests.get(0));
    }

    @Test
    void aRoundDatadogRefusesKeepsTheLastAnswerAndNamesTheProblem() {
        Set<String> metrics = builtInMetrics("x", "prod");
        check.resultFor("ns/shop", new TelemetryCheck.Probe("shop", "prod", metrics));
        datadog.failNext("groupsWithData", new DatadogException(DatadogException.Kind.UNAVAILABLE, "HTTP 503"));
        check.run();
        TelemetryCheck.Result result = check.resultFor("ns/shop", new TelemetryCheck.Probe("shop", "prod", metrics));
        assertThat(result.checkedAt()).isNull();
        assertThat(result.problemMessage()).isEqualTo("HTTP 503");
    }
}
