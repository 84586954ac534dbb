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
                // Not a group-by: "by" ends the metric name, so {*} is that metric's scope.
                "avg(last_5m):avg:custom.latency_by{*} > 1",
                "avg(last_5m):avg:x.by{*} > 1",
                "avg(last_5m):avg:custom.latency_by {*} / avg:trace.x{service:checkout,env:prod} > 1",
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
                "avg(last_5m):max:kubernetes.memory.usage{service:checkout,env:prod}by{pod_name} > 1000",
                "sum(last_5m):sum:trace.http.request.hits{service:checkout,env:prod}.as_count()\tby {resource_name} > 1",
                "sum(last_1h):count(v: v<=0.3):trace.http.request{service:checkout,env:prod} > 1",
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

    /**
     * Datadog's documented grammar is {@code <aggregator>:<metric>{<filter>} [by {<group>}]}; its docs do not promise
     * what a term without the filter reads, and the query editor's "from everywhere" is {@code {*}}. A term without a
     * scope is taken at its widest and refused, wherever it stands beside a confined one.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "avg(last_5m):avg:custom.latency + avg:trace.x{service:checkout,env:prod} > 1",
                "avg(last_5m):avg:trace.x{service:checkout,env:prod} - max:custom.latency > 1",
                "avg(last_5m):avg:trace.x{service:checkout,env:prod} * 1000 > -x-avg:custom.latency",
                "sum(last_5m):sum:trace.x{service:checkout,env:prod}.as_count() / sum:custom.hits.as_count() > 1",
            })
    void aMetricTermWithoutAScopeIsRefusedBesideAConfinedOne(String query) {
        assertThat(QueryScope.problem(query, "checkout", "prod")).as(query).contains("has no scope");
        assertThat(QueryScope.unscopedTerm(query)).as(query).isNotNull();
    }

    /** A profile's query with a tenant's parameter value spliced into the metric name: the value cannot add a term. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "avg(last_10m):p95:trace.x-avg:custom.latency{service:checkout,env:prod} * 1000 > 500",
                "avg(last_10m):p95:trace.servlet.request{service:checkout,env:prod} * 1000 > 5-avg:custom.latency",
            })
    void aParameterValueCannotSpliceAnUnscopedTermIntoAProfileQuery(String rendered) {
        assertThat(QueryScope.unscopedTerm(rendered)).as(rendered).contains("has no scope");
    }
}
