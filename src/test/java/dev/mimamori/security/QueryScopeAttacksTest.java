package dev.mimamori.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.tenancy.QueryScope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Queries a tenant owning service checkout in prod might write to read someone else's metrics: each is refused.
 * The confined forms the same tenant legitimately writes pass.
 */
class QueryScopeAttacksTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "avg(last_5m):avg:trace.http.request.errors{*} > 1",
                "avg(last_5m):avg:trace.http.request.errors{service:payments,env:prod} > 1",
                "avg(last_5m):avg:trace.http.request.errors{service:checkout OR service:payments,env:prod} > 1",
                "avg(last_5m):avg:trace.http.request.errors{service:checkout,env:prod OR env:staging} > 1",
                "avg(last_5m):avg:trace.http.request.errors{!service:checkout,env:prod} > 1",
                "avg(last_5m):avg:trace.http.request.errors{-service:checkout,env:prod} > 1",
                "avg(last_5m):avg:trace.http.request.errors{env:prod} by {service} > 1",
                "avg(last_5m):avg:trace.http.request.errors{service:check*,env:prod} > 1",
                "avg(last_5m):avg:trace.http.request.errors{service:checkout,env:*} > 1",
                "avg(last_5m):avg:trace.http.request.errors{service:checkout,env:prod,service:payments} > 1",
                "avg(last_5m):avg:trace.http.request.errors{service:checkout,env:prod} / avg:trace.http.request.hits{*} > 1",
                "avg(last_5m):avg:trace.http.request.errors{service IN (checkout,payments),env:prod} > 1",
                "avg(last_5m):avg:trace.http.request.errors{(service:checkout),env:prod} > 1",
                "avg(last_5m):avg:trace.http.request.errors{Service:payments,service:checkout,env:prod} > 1",
                "logs(\"service:payments\").index(\"*\").rollup(\"count\").last(\"5m\") > 100",
                "\"http.can_connect\".over(\"service:payments\").last(2).count_by_status()",
                "avg(last_5m):avg:system.cpu.user{host:db-1} > 90",
            })
    void aMonitorQueryReachingBeyondItsServiceIsRefused(String query) {
        assertThat(QueryScope.problem(query, "checkout", "prod")).as(query).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "avg:trace.http.request.duration{*}",
                "avg:trace.http.request.duration{service:payments,env:prod,version:1.1.0}",
                "avg:trace.http.request.errors{service:checkout,env:prod} / avg:trace.http.request.hits{service:payments,env:prod}",
                "avg:trace.http.request.errors{service:checkout OR service:payments,env:prod}",
                "avg:trace.http.request.errors{!service:checkout,env:prod}",
                "sum:trace.http.request.hits{env:prod} by {service}",
            })
    void aGateExpressionWithOneTermReachingBeyondItsServiceIsRefused(String expression) {
        assertThat(QueryScope.gateProblem(expression, "checkout", "prod"))
                .as(expression)
                .isNotNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "avg(last_5m):avg:trace.http.request.errors{service:checkout,env:prod} > 1",
                "avg(last_5m):avg:trace.http.request.errors{env:prod, service:checkout, resource_name:get_/cart} by {resource_name} > 1",
                "sum(last_10m):sum:trace.http.request.errors{service:checkout,env:prod}.as_count() / sum:trace.http.request.hits{service:checkout,env:prod}.as_count() > 0.05",
                "avg(last_1h):anomalies(avg:trace.http.request.duration{service:checkout,env:prod}, 'basic', 2) >= 1",
                "avg(last_5m):avg:kubernetes.cpu.usage.total{service:checkout,env:prod,!kube_container_name:istio-proxy} > 90",
            })
    void aMonitorQueryConfinedToItsServiceAndEnvPasses(String query) {
        assertThat(QueryScope.problem(query, "checkout", "prod")).as(query).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "p95:trace.http.request{service:checkout,env:prod,version:1.1.0}",
                "sum:trace.http.request.errors{service:checkout,env:prod,version:1.1.0}.as_count() / sum:trace.http.request.hits{service:checkout,env:prod,version:1.1.0}.as_count()",
            })
    void aGateExpressionConfinedToItsServiceAndEnvPasses(String expression) {
        assertThat(QueryScope.gateProblem(expression, "checkout", "prod"))
                .as(expression)
                .isNull();
    }
}
