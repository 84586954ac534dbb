package dev.mimamori.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OwnershipTest {
    private static final List<String> OURS = Ownership.tags("c1", "shop/checkout", "mimamori-monitor", "latency");

    private static List<String> with(String... extra) {
        List<String> tags = new ArrayList<>(OURS);
        tags.addAll(List.of(extra));
        return tags;
    }

    @Test
    void exactlyOneOfEachTagMakesAnObjectOurs() {
        assertThat(Ownership.of(with("service:checkout", "team:shop"), "c1", "mimamori-monitor"))
                .contains(new Ownership.Owned("shop/checkout", "latency"));
    }

    @Test
    void aForgedSecondOwnerClusterOrNameMakesItForeign() {
        // Tag order must not decide: "a" sorts before every real owner, "aaa" before every cluster.
        assertThat(Ownership.of(with("mimamori-owner:a"), "c1", "mimamori-monitor"))
                .isEmpty();
        assertThat(Ownership.of(with("mimamori-cluster:aaa"), "c1", "mimamori-monitor"))
                .isEmpty();
        assertThat(Ownership.of(with("mimamori-monitor:other"), "c1", "mimamori-monitor"))
                .isEmpty();
        assertThat(Ownership.of(with("managed-by:someone-else"), "c1", "mimamori-monitor"))
                .isEmpty();
        assertThat(Ownership.of(with("mimamori-owner"), "c1", "mimamori-monitor"))
                .isEmpty();
    }

    @Test
    void anotherClustersOrAnUnmanagedObjectIsForeign() {
        assertThat(Ownership.of(OURS, "c2", "mimamori-monitor")).isEmpty();
        assertThat(Ownership.of(Ownership.released(OURS), "c1", "mimamori-monitor"))
                .isEmpty();
        assertThat(Ownership.of(OURS, "c1", "mimamori-slo")).isEmpty();
        assertThat(Ownership.of(null, "c1", "mimamori-monitor")).isEmpty();
    }

    @Test
    void datadogLowerCasingTheClusterTagKeepsOwnership() {
        assertThat(Ownership.of(
                        Ownership.tags("prod-eu", "ns/a", "mimamori-monitor", "x"), "Prod-EU", "mimamori-monitor"))
                .isPresent();
    }

    @Test
    void reservedKeysAreTheOperatorsOwn() {
        assertThat(Ownership.isReserved("managed-by:me")).isTrue();
        assertThat(Ownership.isReserved("managed-by")).isTrue();
        assertThat(Ownership.isReserved("mimamori-owner:x/y")).isTrue();
        assertThat(Ownership.isReserved("mimamori-anything")).isTrue();
        assertThat(Ownership.isReserved("tier:critical")).isFalse();
        assertThat(Ownership.isReserved("managed:yes")).isFalse();
    }

    @Test
    void aLongOwnerGetsAShortStableKeyThatFitsInADatadogTag() {
        String name = "a".repeat(250);
        String key = Ownership.ownerKey("team-payments", name);
        List<String> tags = Ownership.tags("c1", key, "mimamori-monitor", "latency");

        assertThat(tags).allSatisfy(tag -> assertThat(tag.length()).isLessThanOrEqualTo(200));
        assertThat(Ownership.ownerKey("team-payments", name)).isEqualTo(key);
        assertThat(key).startsWith("team-payments/aaa").contains("_");
        // Two long names that share their first 170 characters still get different keys.
        assertThat(Ownership.ownerKey("team-payments", name.substring(1) + "b")).isNotEqualTo(key);
        assertThat(Ownership.of(tags, "c1", "mimamori-monitor"))
                .map(Ownership.Owned::owner)
                .contains(key);
        assertThat(Ownership.resourceOf(key)).isEmpty();
    }

    @Test
    void aShortOwnerKeyIsNamespaceSlashNameAndNamesItsResource() {
        assertThat(Ownership.ownerKey("shop", "checkout")).isEqualTo("shop/checkout");
        assertThat(Ownership.resourceOf("shop/checkout")).contains(new Ownership.ResourceName("shop", "checkout"));
    }

    @Test
    void ownershipTagsAreLowerCaseAsDatadogStoresThem() {
        assertThat(Ownership.tags("Prod-EU", "ns/a", "mimamori-monitor", "Latency"))
                .containsExactly(
                        "managed-by:mimamori",
                        "mimamori-cluster:prod-eu",
                        "mimamori-owner:ns/a",
                        "mimamori-monitor:latency");
    }

    @Test
    void aDashboardMarkerNamesTheProfileAndTheParameterValuesThatTellItsDashboardsApart() {
        Ownership.DashboardKey servlet =
                new Ownership.DashboardKey("default", new TreeMap<>(Map.of("traceOperation", "servlet.request")));
        String marker = Ownership.dashboardMarker("eu-1", servlet);
        assertThat(marker).isEqualTo("[mimamori cluster=eu-1 profile=default traceOperation=servlet.request]");
        assertThat(Ownership.ofDashboard("Our services.\n" + marker))
                .contains(new Ownership.DashboardOwner("eu-1", servlet));
        assertThat(servlet.owner()).isEqualTo("default traceOperation=servlet.request");
        assertThat(Ownership.profileOfDashboard(servlet.owner())).isEqualTo("default");
    }

    @Test
    void aMarkerWrittenBeforeParametersIsTheDashboardOfTheProfilesDefaults() {
        assertThat(Ownership.ofDashboard("Managed by mimamori.\n[mimamori cluster=eu-1 profile=default]"))
                .contains(new Ownership.DashboardOwner("eu-1", Ownership.DashboardKey.of("default")));
        assertThat(Ownership.DashboardKey.of("default").owner()).isEqualTo("default");
        assertThat(Ownership.profileOfDashboard("default")).isEqualTo("default");
    }

    @Test
    void aDashboardMarkerThatNamesTwoDashboardsIsNobodys() {
        assertThat(Ownership.ofDashboard("[mimamori cluster=eu-1 profile=default traceOperation=a traceOperation=b]"))
                .isEmpty();
        assertThat(Ownership.ofDashboard(
                        "[mimamori cluster=eu-1 profile=default]\n[mimamori cluster=eu-1 profile=default x=1]"))
                .isEmpty();
        assertThat(Ownership.ofDashboard("[mimamori cluster=eu-1 profile=default traceOperation]"))
                .isEmpty();
        assertThat(Ownership.ofDashboard("[mimamori cluster=eu-1 profile=default x=1]\nmore text"))
                .isEmpty();
    }
}
