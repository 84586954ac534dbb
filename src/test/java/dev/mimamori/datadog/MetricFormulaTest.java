package dev.mimamori.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mimamori.datadog.MetricFormula.NamedQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expressions as profiles hold them, split into the single-metric queries and the formula Datadog's v2 API takes. */
class MetricFormulaTest {
    static final String ERRORS =
            "sum:trace.http.request.errors{service:${service},env:${env},version:${version}}" + ".as_count()";
    static final String HITS =
            "sum:trace.http.request.hits{service:${service},env:${env},version:${version}}" + ".as_count()";

    @Test
    void theErrorRateOfTheDefaultProfileBecomesTwoQueriesAndARatio() {
        MetricFormula compiled = MetricFormula.compile(ERRORS + " / " + HITS);

        assertThat(compiled.queries()).containsExactly(new NamedQuery("q0", ERRORS), new NamedQuery("q1", HITS));
        assertThat(compiled.formula()).isEqualTo("q0 / q1");
    }

    @Test
    void aConstantStaysInTheFormula() {
        MetricFormula compiled =
                MetricFormula.compile("p95:trace.http.request{service:checkout,env:prod,version:1.2.0} * 1000");

        assertThat(compiled.queries())
                .containsExactly(
                        new NamedQuery("q0", "p95:trace.http.request{service:checkout,env:prod,version:1.2.0}"));
        assertThat(compiled.formula()).isEqualTo("q0 * 1000");
    }

    @Test
    void aSingleMetricIsItsOwnFormula() {
        MetricFormula compiled = MetricFormula.compile("  avg:system.cpu.user{env:prod}  ");

        assertThat(compiled.queries()).containsExactly(new NamedQuery("q0", "avg:system.cpu.user{env:prod}"));
        assertThat(compiled.formula()).isEqualTo("q0");
    }

    @Test
    void modifiersGroupingAndComplexScopesStayOnTheirMetric() {
        String a = "sum:http.requests{env:prod AND (status:5xx OR status:429)} by {host}.as_count().rollup(sum, 60)";
        String b = "sum:http.requests{env:prod,!status:2xx}.fill(zero).as_rate()";
        MetricFormula compiled = MetricFormula.compile("(" + a + " - " + b + ") * 100");

        assertThat(compiled.queries()).extracting(NamedQuery::query).containsExactly(a, b);
        assertThat(compiled.formula()).isEqualTo("(q0 - q1) * 100");
    }

    @Test
    void theSameMetricWrittenTwiceIsQueriedOnce() {
        MetricFormula compiled = MetricFormula.compile(ERRORS + " / (" + HITS + " + " + ERRORS + ")");

        assertThat(compiled.queries()).extracting(NamedQuery::query).containsExactly(ERRORS, HITS);
        assertThat(compiled.formula()).isEqualTo("q0 / (q1 + q0)");
    }

    @Test
    void namesCanStartFurtherSoThatSeveralExpressionsShareARequest() {
        MetricFormula compiled = MetricFormula.compile(ERRORS + " / " + HITS, 4);

        assertThat(compiled.queries()).extracting(NamedQuery::name).containsExactly("q4", "q5");
        assertThat(compiled.formula()).isEqualTo("q4 / q5");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "avg:a{*} - (avg:b{*} - avg:c{*})     | q0 - (q1 - q2)",
                "avg:a{*} - avg:b{*} - avg:c{*}       | q0 - q1 - q2",
                "avg:a{*} + (avg:b{*} - avg:c{*})     | q0 + q1 - q2",
                "avg:a{*} / (avg:b{*} * 2)            | q0 / (q1 * 2)",
                "(avg:a{*} + avg:b{*}) / 2            | (q0 + q1) / 2",
                "-avg:a{*} * 1.5                      | -q0 * 1.5",
                "-(avg:a{*} + 1)                      | -(q0 + 1)",
                "100 * avg:a{*} / avg:b{*}            | 100 * q0 / q1",
                "abs(avg:a{*} - avg:b{*})             | abs(q0 - q1)",
                "default_zero(sum:a{*}.as_count()) / 60 | default_zero(q0) / 60",
                "moving_rollup(sum:a{*}, 300, 'sum')  | moving_rollup(q0, 300, 'sum')",
                "p99.9:trace.web.request{*}           | q0",
            })
    void theFormulaKeepsTheArithmeticAndItsPrecedence(String expression, String formula) {
        assertThat(MetricFormula.compile(expression).formula()).isEqualTo(formula);
    }

    @Test
    void functionsOnAMetricGoToTheFormulaWhileTheMetricStaysAQuery() {
        MetricFormula compiled = MetricFormula.compile("per_second(sum:requests{env:prod}.as_count())");

        assertThat(compiled.queries()).containsExactly(new NamedQuery("q0", "sum:requests{env:prod}.as_count()"));
        assertThat(compiled.formula()).isEqualTo("per_second(q0)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "avg(last_5m):avg:system.cpu.user{*} > 90     | monitor's time aggregation",
                "avg:system.cpu.user{*} > 90                  | a threshold belongs to a monitor",
                "avg:system.cpu.user                          | needs a scope in braces",
                "avg:system.cpu.user{env:prod                 | unclosed '{'",
                "(avg:a{*} + avg:b{*}                         | missing ')'",
                "avg:a{*} *                                   | ends too early",
                "avg:a{*}.anomalies('basic', 2)               | .anomalies() cannot stay on a metric query",
                "frobnicate(avg:a{*})                         | frobnicate() is not one of Datadog's formula functions",
                "median:a{*}                                  | 'median:' is not a space aggregator",
                "latency * 1000                               | 'latency' is neither a metric",
                "1000                                         | reads no metric",
                "avg:a{*} by host                             | 'by' must be followed by tags in braces",
            })
    void anExpressionThatCannotBeSplitIsRefusedWithTheReason(String expression, String problem) {
        assertThatThrownBy(() -> MetricFormula.compile(expression))
                .isInstanceOf(MetricFormula.UntranslatableQuery.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void theErrorSaysWhereTheProblemIs() {
        assertThatThrownBy(() -> MetricFormula.compile("avg:a{*} + avg:b{*} > 3"))
                .hasMessage("unexpected '>' (a threshold belongs to a monitor, not to a metric query) at position 21"
                        + " of \"avg:a{*} + avg:b{*} > 3\"");
    }

    @Test
    void anEmptyQueryIsRefused() {
        assertThatThrownBy(() -> MetricFormula.compile(" ")).hasMessage("the query is empty");
    }
}
