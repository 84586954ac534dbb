package dev.mimamori.servicemonitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.datadog.AuditedChanges;
import dev.mimamori.servicemonitoring.ChangeFeed.Kind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeFeedTest {
    static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    private static AuditedChanges answer(boolean truncated, String... idAndType) {
        List<AuditedChanges.Change> changes = new java.util.ArrayList<>();
        for (String s : idAndType) {
            String[] parts = s.split(":");
            changes.add(new AuditedChanges.Change(parts[0], parts.length > 1 ? parts[1] : null));
        }
        return new AuditedChanges(changes, truncated);
    }

    @Test
    void noEventsMeansNothingToReRead() {
        ChangeFeed feed = new ChangeFeed(T0);
        assertThat(feed.kindsChanged(answer(false), T0.plusSeconds(600))).isEmpty();
    }

    @Test
    void onlyTheKindsNamedByNewEventsAreReRead() {
        ChangeFeed feed = new ChangeFeed(T0);
        assertThat(feed.kindsChanged(answer(false, "e1:monitor", "e2:monitor"), T0.plusSeconds(600)))
                .containsExactly(Kind.MONITORS);
        assertThat(feed.kindsChanged(answer(false, "e3:dashboard", "e4:slo"), T0.plusSeconds(1200)))
                .containsExactlyInAnyOrder(Kind.SLOS, Kind.DASHBOARDS);
    }

    @Test
    void anEventSeenInTheOverlapOfTheLastLookIsNotCountedAgain() {
        ChangeFeed feed = new ChangeFeed(T0);
        feed.kindsChanged(answer(false, "e1:monitor"), T0.plusSeconds(600));
        assertThat(feed.from()).isEqualTo(T0.plusSeconds(600).minus(ChangeFeed.OVERLAP));
        assertThat(feed.kindsChanged(answer(false, "e1:monitor"), T0.plusSeconds(1200)))
                .isEmpty();
    }

    @Test
    void moreNewEventsThanTheLimitOrAnUnknownAssetTypeReReadEveryKind() {
        assertThat(new ChangeFeed(T0).kindsChanged(answer(true, "e1:monitor"), T0.plusSeconds(600)))
                .containsExactlyInAnyOrder(Kind.values());
        assertThat(new ChangeFeed(T0).kindsChanged(answer(false, "e1:service_level_objective"), T0.plusSeconds(600)))
                .containsExactlyInAnyOrder(Kind.values());
        assertThat(new ChangeFeed(T0).kindsChanged(answer(false, "e1"), T0.plusSeconds(600)))
                .containsExactlyInAnyOrder(Kind.values());
    }

    @Test
    void aTruncatedAnswerWhoseNewestEventsWereAllSeenReReadsNothing() {
        ChangeFeed feed = new ChangeFeed(T0);
        feed.kindsChanged(answer(true, "e9:monitor", "e8:monitor"), T0.plusSeconds(600));
        assertThat(feed.kindsChanged(answer(true, "e9:monitor", "e8:monitor"), T0.plusSeconds(1200)))
                .isEmpty();
    }

    @Test
    void aFullResyncMovesTheNextLookForward() {
        ChangeFeed feed = new ChangeFeed(T0);
        feed.fullyListed(T0.plusSeconds(1800));
        assertThat(feed.from()).isEqualTo(T0.plusSeconds(1800).minus(ChangeFeed.OVERLAP));
        feed.fullyListed(T0.plusSeconds(60));
        assertThat(feed.from()).isEqualTo(T0.plusSeconds(1800).minus(ChangeFeed.OVERLAP));
    }
}
