package dev.mimamori.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryMetricsTest {

    @Test
    void findsEveryMetricAQueryReadsAndNothingElse() {
        assertThat(TelemetryMetrics.in(List.of(
                        "avg(last_10m):p95:trace.http.request{service:a,env:b} * 1000 > 500",
                        "pct_change(avg(last_30m),last_1w):sum:trace.http.request.hits{service:a,env:b}.as_rate() < -50",
                        "avg(last_15m):( max:kubernetes.memory.working_set{service:a} by {pod_name} / "
                                + "max:kubernetes.memory.limits{service:a} by {pod_name} ) * 100 > 90",
                        "count(v: v<=0.5):trace.http.request{service:a,env:b}",
                        "burn_rate(\"abc\").over(\"30d\").long_window(\"1h\").short_window(\"5m\") > 14.4")))
                .containsExactly(
                        "kubernetes.memory.limits",
                        "kubernetes.memory.working_set",
                        "trace.http.request",
                        "trace.http.request.hits");
    }

    @Test
    void theBuiltInProfileDependsOnApmAndKubernetesMetrics() {
        Rendering r = MonitorRendererTest.render(MonitorRendererTest.spec("checkout", "prod"));
        List<String> queries = new java.util.ArrayList<>();
        r.monitors().forEach(m -> queries.add(m.definition().query()));
        r.slos().forEach(s -> queries.add(s.definition().numerator()));
        assertThat(TelemetryMetrics.in(queries))
                .contains(
                        "trace.http.request",
                        "trace.http.request.hits",
                        "trace.http.request.errors",
                        "kubernetes.containers.restarts",
                        "kubernetes.cpu.cfs.periods");
    }
}
