package dev.mimamori.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    static final Instant T1 = Instant.parse("2026-01-01T11:00:00Z");

    @Test
    void transitionTimeMovesOnlyWhenTheStatusChanges() {
        List<Condition> first = Conditions.with(List.of(), "Ready", "False", "DatadogUnavailable", "down", 1L, T0);
        List<Condition> sameStatus = Conditions.with(first, "Ready", "False", "DatadogForbidden", "403", 2L, T1);
        List<Condition> flipped = Conditions.with(sameStatus, "Ready", "True", "MonitorsInSync", "ok", 2L, T1);

        assertThat(sameStatus.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(sameStatus.get(0).getReason()).isEqualTo("DatadogForbidden");
        assertThat(sameStatus.get(0).getObservedGeneration()).isEqualTo(2L);
        assertThat(flipped).hasSize(1);
        assertThat(flipped.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T11:00:00Z");
    }

    @Test
    void otherConditionsAreKeptAndDuplicatesCollapse() {
        Condition other = new Condition("Other", "True", null, null, null, null);
        Condition stale = new Condition("Ready", "True", null, null, null, null);
        List<Condition> result = Conditions.with(List.of(stale, other, stale), "Ready", "True", "R", "m", 1L, T0);
        assertThat(result).extracting(Condition::getType).containsExactly("Ready", "Other");
    }
}
