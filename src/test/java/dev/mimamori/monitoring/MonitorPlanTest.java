package dev.mimamori.monitoring;

import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.MonitorSettings;
import dev.mimamori.datadog.OwnershipTags;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class MonitorPlanTest {

    static DesiredMonitor desired(String template, String query) {
        return new DesiredMonitor(template, definition(template, query, MonitorSettings.NONE));
    }

    static MonitorDefinition definition(String template, String query, MonitorSettings settings) {
        List<String> tags = new ArrayList<>(OwnershipTags.of("c", "ns/a", template));
        tags.add("service:a");
        return new MonitorDefinition("title " + template, "query alert", query, "msg", 2, tags,
                new TreeMap<>(Map.of("critical", 1.0)), settings);
    }

    static ManagedMonitor actual(long id, String template, String query) {
        return new ManagedMonitor(id, definition(template, query, MonitorSettings.NONE));
    }

    @Test
    void nothingToDoWhenDatadogMatches() {
        MonitorPlan plan = MonitorPlan.between(List.of(desired("a", "q1"), desired("b", "q2")),
                List.of(actual(2, "b", "q2"), actual(1, "a", "q1")));
        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.unchanged()).extracting(MonitorPlan.Kept::id).containsExactlyInAnyOrder(1L, 2L);
    }

    @Test
    void createsMissingUpdatesChangedDeletesRemoved() {
        MonitorPlan plan = MonitorPlan.between(List.of(desired("a", "q1-new"), desired("c", "q3")),
                List.of(actual(1, "a", "q1"), actual(2, "b", "q2")));
        assertThat(plan.creates()).extracting(DesiredMonitor::templateName).containsExactly("c");
        assertThat(plan.updates()).extracting(MonitorPlan.Update::id).containsExactly(1L);
        assertThat(plan.deletes()).extracting(ManagedMonitor::id).containsExactly(2L);
    }

    @Test
    void duplicatesOfATemplateAreDeletedKeepingTheOldest() {
        MonitorPlan plan = MonitorPlan.between(List.of(desired("a", "q1")),
                List.of(actual(7, "a", "q1"), actual(3, "a", "q1"), actual(9, "a", "other")));
        assertThat(plan.unchanged()).extracting(MonitorPlan.Kept::id).containsExactly(3L);
        assertThat(plan.deletes()).extracting(ManagedMonitor::id).containsExactly(7L, 9L);
    }

    @Test
    void defaultsDatadogAddsAreNotDriftButAChangedSettingIs() {
        MonitorDefinition wanted = definition("a", "q", new MonitorSettings(true, null, null, null, null, null, null));
        MonitorDefinition withDefaults = definition("a", "q",
                new MonitorSettings(true, 10, 0, 0, 60, false, true));
        MonitorDefinition changed = definition("a", "q", new MonitorSettings(false, null, null, null, null, null, null));
        assertThat(wanted.isSatisfiedBy(withDefaults)).isTrue();
        assertThat(wanted.isSatisfiedBy(changed)).isFalse();
    }

    @Test
    void tagOrderDoesNotMatterButAnExtraThresholdDoes() {
        MonitorDefinition a = definition("a", "q", MonitorSettings.NONE);
        List<String> reversed = new ArrayList<>(a.tags());
        java.util.Collections.reverse(reversed);
        MonitorDefinition b = new MonitorDefinition(a.name(), a.type(), a.query(), a.message(), a.priority(),
                reversed, a.thresholds(), a.settings());
        assertThat(a.isSatisfiedBy(b)).isTrue();
        MonitorDefinition warned = new MonitorDefinition(a.name(), a.type(), a.query(), a.message(), a.priority(),
                a.tags(), new TreeMap<>(Map.of("critical", 1.0, "warning", 0.5)), a.settings());
        assertThat(a.isSatisfiedBy(warned)).isFalse();
    }
}
