package dev.mimamori.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mimamori.api.AnalysisSpec;
import dev.mimamori.api.GateMetric;
import dev.mimamori.render.BuiltInProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gate metrics from a profile or a spec, as the check freezes them: the error rate carries its request counts. */
class GateMetricsTest {
    private static final AnalysisSettings DEFAULTS = AnalysisSettings.of(new AnalysisSpec());

    @Test
    void theDefaultProfilesErrorRateIsJudgedPerRequestAndKeepsItsCountsWhenFrozen() {
        List<GateMetric> filled =
                GateMetrics.withParameters(BuiltInProfile.spec().gate.metrics, Map.of("traceOperation", "grpc.server"));

        List<GateMetric> frozen = GateMetrics.freeze(filled, DEFAULTS);
        List<ResolvedMetric> resolved = GateMetrics.resolve(frozen, DEFAULTS);

        assertThat(resolved).extracting(ResolvedMetric::name).containsExactly("p95 latency (ms)", "error rate");
        assertThat(resolved.get(0).requestsTemplate()).isNull();
        assertThat(resolved.get(1).requestsQueryFor("cart", "prod", "V2"))
                .isEqualTo("sum:trace.grpc.server.hits{service:cart,env:prod,version:v2}.as_count()");
    }

    @Test
    void aParameterValueThatWouldAddATermOrAScopeToTheProfilesQueriesIsRefused() {
        // A tenant's traceOperation spliced into the built-in p95 query would read another service's latency.
        String injected = "servlet.request{service:vaultledger,env:prod}+0*avg:trace.servlet.request";

        assertThatThrownBy(() -> GateMetrics.withParameters(
                        BuiltInProfile.spec().gate.metrics, Map.of("traceOperation", injected)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter \"traceOperation\"")
                .hasMessageContaining(injected);
    }

    @Test
    void aBadRequestsQueryIsRefusedNamingTheMetric() {
        GateMetric m = new GateMetric();
        m.name = "error rate";
        m.query = "sum:trace.http.request.errors{service:${service},env:${env},version:${version}}.as_count()";
        m.requests = "sum:trace.http.request.hits{service:${service},team:${team}}.as_count()";

        assertThatThrownBy(() -> GateMetrics.check(m))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gate metric \"error rate\" (its requests query) uses ${team}; only ${service}, ${env} and"
                        + " ${version} are known");
        m.requests = " ";
        assertThatThrownBy(() -> GateMetrics.check(m))
                .hasMessage("gate metric \"error rate\" has an empty requests query");
    }
}
