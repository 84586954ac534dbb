package dev.mimamori.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A desired definition against a listed object as the inventory keeps it (id, tags, settings and a fingerprint):
 * every edit made in Datadog to a field mimamori manages is drift, and what Datadog fills in on its own is not.
 */
class ListedDefinitionComparisonTest {

    static final MonitorSettings SETTINGS = new MonitorSettings(true, 10, null, null, null, null, null);

    static MonitorDefinition monitor() {
        return new MonitorDefinition(
                "High latency on checkout",
                "query alert",
                "avg(last_5m):p95:trace.servlet.request{service:checkout,env:prod} > 0.5",
                "p95 is {{value}} @slack-checkout",
                2,
                List.of("managed-by:mimamori", "mimamori-owner:shop/checkout", "env:prod", "service:checkout"),
                new TreeMap<>(Map.of("critical", 0.5, "warning", 0.4)),
                SETTINGS);
    }

    static MonitorDefinition edit(MonitorDefinition d, UnaryOperator<Builder> change) {
        return change.apply(new Builder(d)).build();
    }

    static ManagedMonitor listed(MonitorDefinition d) {
        return ManagedMonitor.of(42, d);
    }

    static Stream<Arguments> monitorEditsMadeInDatadog() {
        return Stream.of(
                Arguments.of("name", (UnaryOperator<Builder>) b -> b.name("Latency (edited)")),
                Arguments.of("type", (UnaryOperator<Builder>) b -> b.type("metric alert")),
                Arguments.of("query", (UnaryOperator<Builder>) b -> b.query(b.query.replace("0.5", "0.9"))),
                Arguments.of("message", (UnaryOperator<Builder>) b -> b.message("p95 is {{value}}")),
                Arguments.of("priority", (UnaryOperator<Builder>) b -> b.priority(3)),
                Arguments.of("priority removed", (UnaryOperator<Builder>) b -> b.priority(null)),
                Arguments.of("tag added", (UnaryOperator<Builder>) b -> b.tag("team:other")),
                Arguments.of("tag removed", (UnaryOperator<Builder>) b -> b.untag("env:prod")),
                Arguments.of("threshold value", (UnaryOperator<Builder>) b -> b.threshold("critical", 0.9)),
                Arguments.of("threshold added", (UnaryOperator<Builder>) b -> b.threshold("ok", 0.1)),
                Arguments.of("threshold removed", (UnaryOperator<Builder>) b -> b.noThreshold("warning")),
                Arguments.of("setting the definition sets", (UnaryOperator<Builder>)
                        b -> b.settings(new MonitorSettings(true, 20, null, null, null, null, null))),
                Arguments.of("text moved from the name into the query", (UnaryOperator<Builder>)
                        b -> b.name("High latency on ").query("checkout" + b.query)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("monitorEditsMadeInDatadog")
    void aMonitorEditedInDatadogIsDrift(String field, UnaryOperator<Builder> change) {
        assertThat(monitor().isSatisfiedBy(listed(edit(monitor(), change)))).isFalse();
    }

    @Test
    void anEqualMonitorIsSatisfied() {
        assertThat(monitor().isSatisfiedBy(listed(monitor()))).isTrue();
    }

    @Test
    void tagsCompareAsASetWhateverTheirOrder() {
        List<String> reversed = new ArrayList<>(monitor().tags());
        Collections.reverse(reversed);
        reversed.add("env:prod");
        assertThat(monitor().isSatisfiedBy(listed(edit(monitor(), b -> b.tags(reversed)))))
                .isTrue();
    }

    @Test
    void settingsTheDefinitionLeavesUnsetAreDatadogsToChoose() {
        MonitorSettings withDefaults = new MonitorSettings(true, 10, 0, 0, 60, false, true);
        assertThat(monitor().isSatisfiedBy(listed(edit(monitor(), b -> b.settings(withDefaults)))))
                .isTrue();
    }

    @Test
    void listedMonitorsShareOneCopyOfEachRepeatedTag() {
        ManagedMonitor first =
                listed(edit(monitor(), b -> b.tags(copies(monitor().tags()))));
        ManagedMonitor second =
                listed(edit(monitor(), b -> b.tags(copies(monitor().tags()))));
        for (int i = 0; i < first.tags().size(); i++) {
            assertThat(second.tags().get(i)).isSameAs(first.tags().get(i));
        }
        assertThat(second.settings()).isSameAs(first.settings());
    }

    static SloDefinition slo() {
        return new SloDefinition(
                "Checkout availability",
                "good over all requests",
                List.of("managed-by:mimamori", "mimamori-owner:shop/checkout", "service:checkout"),
                "30d",
                99.9,
                99.95,
                "sum:trace.servlet.request.hits{service:checkout}.as_count()",
                "sum:trace.servlet.request.hits{service:checkout}.as_count()");
    }

    static ManagedSlo listed(SloDefinition d) {
        return ManagedSlo.of("abc123", 1_700_000_000L, d);
    }

    /** The SLO with one field ({@code name}, {@code target}, ...) set to {@code value}. */
    static SloDefinition sloWith(String field, Object value) {
        SloDefinition s = slo();
        return new SloDefinition(
                field.equals("name") ? (String) value : s.name(),
                field.equals("description") ? (String) value : s.description(),
                field.equals("tags") ? castTags(value) : s.tags(),
                field.equals("timeframe") ? (String) value : s.timeframe(),
                field.equals("target") ? (Double) value : s.target(),
                field.equals("warning") ? (Double) value : s.warning(),
                field.equals("numerator") ? (String) value : s.numerator(),
                field.equals("denominator") ? (String) value : s.denominator());
    }

    @SuppressWarnings("unchecked")
    private static List<String> castTags(Object value) {
        return (List<String>) value;
    }

    static Stream<Arguments> sloEditsMadeInDatadog() {
        return Stream.of(
                Arguments.of("name", "Availability (edited)"),
                Arguments.of("description", ""),
                Arguments.of("tags", List.of("managed-by:mimamori", "service:checkout")),
                Arguments.of("timeframe", "7d"),
                Arguments.of("target", 99.5),
                Arguments.of("target", Double.NaN),
                Arguments.of("warning", null),
                Arguments.of("numerator", "sum:other{*}.as_count()"),
                Arguments.of("denominator", "sum:other{*}.as_count()"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sloEditsMadeInDatadog")
    void anSloEditedInDatadogIsDrift(String field, Object value) {
        assertThat(slo().isSatisfiedBy(listed(sloWith(field, value)))).isFalse();
    }

    @Test
    void anEqualSloIsSatisfiedWhateverTheTagOrder() {
        List<String> reversed = new ArrayList<>(slo().tags());
        Collections.reverse(reversed);
        assertThat(slo().isSatisfiedBy(listed(sloWith("tags", reversed)))).isTrue();
    }

    private static List<String> copies(List<String> tags) {
        return tags.stream().map(t -> new String(t.toCharArray())).toList();
    }

    /** A monitor definition with some fields changed. */
    static final class Builder {
        String name;
        String type;
        String query;
        String message;
        Integer priority;
        List<String> tags;
        TreeMap<String, Double> thresholds;
        MonitorSettings settings;

        Builder(MonitorDefinition d) {
            name = d.name();
            type = d.type();
            query = d.query();
            message = d.message();
            priority = d.priority();
            tags = new ArrayList<>(d.tags());
            thresholds = new TreeMap<>(d.thresholds());
            settings = d.settings();
        }

        Builder name(String value) {
            name = value;
            return this;
        }

        Builder type(String value) {
            type = value;
            return this;
        }

        Builder query(String value) {
            query = value;
            return this;
        }

        Builder message(String value) {
            message = value;
            return this;
        }

        Builder priority(Integer value) {
            priority = value;
            return this;
        }

        Builder tags(List<String> value) {
            tags = new ArrayList<>(value);
            return this;
        }

        Builder tag(String tag) {
            tags.add(tag);
            return this;
        }

        Builder untag(String tag) {
            tags.remove(tag);
            return this;
        }

        Builder threshold(String key, double value) {
            thresholds.put(key, value);
            return this;
        }

        Builder noThreshold(String key) {
            thresholds.remove(key);
            return this;
        }

        Builder settings(MonitorSettings value) {
            settings = value;
            return this;
        }

        MonitorDefinition build() {
            return new MonitorDefinition(name, type, query, message, priority, tags, thresholds, settings);
        }
    }
}
