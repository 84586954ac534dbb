package dev.mimamori.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mimamori.api.NamespaceSelector;
import dev.mimamori.api.TenantPolicy;
import dev.mimamori.api.TenantPolicySpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TenantRulesTest {

    static TenantPolicy policy(String name, TenantPolicySpec spec) {
        TenantPolicy p = new TenantPolicy();
        p.setMetadata(new ObjectMetaBuilder().withName(name).build());
        p.setSpec(spec);
        return p;
    }

    @Test
    void withoutAPolicyANamespaceClaimsOnlyServicesNamedAfterItAndNotifiesOnlyChatChannels() {
        TenantRules rules =
                TenantRules.forNamespace("shop", Map.of(), List.of(), TenantRules.Defaults.SHIPPED, Set.of());

        assertThat(rules.source()).isEqualTo("the default policy");
        assertThat(rules.allowsService("shop")).isTrue();
        assertThat(rules.allowsService("shop-cart")).isTrue();
        assertThat(rules.allowsService("payments")).isFalse();
        assertThat(rules.allowsService("shopping")).as("a prefix is not enough").isFalse();
        assertThat(rules.allowsTeam("payments")).isFalse();
        assertThat(rules.allowsEnv("prod")).isTrue();
        assertThat(rules.allowsHandle("@slack-shop-alerts")).isTrue();
        assertThat(rules.allowsHandle("@teams-shop")).isTrue();
        assertThat(rules.allowsHandle("@pagerduty-payments")).isFalse();
        assertThat(rules.allowsHandle("@opsgenie-sre")).isFalse();
        assertThat(rules.allowsHandle("@webhook-exfil")).isFalse();
        assertThat(rules.allowsHandle("@someone@example.com")).isFalse();
        assertThat(rules.customQueries()).isTrue();
    }

    @Test
    void aNamespaceCannotClaimTheServicesOrTeamsOfALongerNamespaceItsNamePrefixes() {
        Set<String> cluster = Set.of("shop", "shop-eu", "shopping", "kube-system");

        TenantRules shop = TenantRules.forNamespace("shop", Map.of(), List.of(), TenantRules.Defaults.SHIPPED, cluster);
        TenantRules shopEu =
                TenantRules.forNamespace("shop-eu", Map.of(), List.of(), TenantRules.Defaults.SHIPPED, cluster);

        // shop-* would reach namespace shop-eu's services: there, they are shop-eu's alone.
        assertThat(shop.allowsService("shop-eu")).isFalse();
        assertThat(shop.allowsService("shop-eu-checkout")).isFalse();
        assertThat(shop.allowsTeam("shop-eu")).isFalse();
        assertThat(shop.allowsService("shop-cart")).isTrue();
        assertThat(shop.allowsService("shop-europe"))
                .as("not shop-eu's: no dash after it")
                .isTrue();
        assertThat(shopEu.allowsService("shop-eu-checkout")).isTrue();
        assertThat(shopEu.allowsService("shop-eu")).isTrue();

        TenantPolicySpec spec = new TenantPolicySpec();
        spec.namespaces = List.of("shop");
        spec.services = List.of("${namespace}-*");
        TenantRules policy = TenantRules.forNamespace(
                "shop", Map.of(), List.of(policy("shop", spec)), TenantRules.Defaults.SHIPPED, cluster);
        assertThat(policy.allowsService("shop-eu-checkout")).isFalse();
        assertThat(policy.allowsService("shop-cart")).isTrue();
        spec.services = List.of("shop-*");
        TenantRules literal = TenantRules.forNamespace(
                "shop", Map.of(), List.of(policy("shop", spec)), TenantRules.Defaults.SHIPPED, cluster);
        assertThat(literal.allowsService("shop-eu-checkout"))
                .as("a pattern the platform team spelled out is theirs to mean")
                .isTrue();
    }

    @Test
    void aChatPatternDoesNotAllowAnEmailAddressThatStartsLikeAChannel() {
        TenantRules shipped =
                TenantRules.forNamespace("shop", Map.of(), List.of(), TenantRules.Defaults.SHIPPED, Set.of());
        TenantPolicySpec spec = new TenantPolicySpec();
        spec.namespaces = List.of("shop");
        spec.notify = List.of("@slack-shop-*", "@*@shop.example");
        TenantRules policy = TenantRules.forNamespace(
                "shop", Map.of(), List.of(policy("shop", spec)), TenantRules.Defaults.SHIPPED, Set.of());

        // Datadog mails {{value}} to @slack-x@outside.example: the address, not a Slack channel.
        assertThat(shipped.allowsHandle("@slack-x@outside.example")).isFalse();
        assertThat(shipped.allowsHandle("@teams-x@outside.example")).isFalse();
        assertThat(policy.allowsHandle("@slack-shop-alerts@outside.example")).isFalse();
        assertThat(policy.allowsHandle("@alice@evil.example@shop.example")).isFalse();
        assertThat(policy.allowsHandle("@slack-shop-alerts")).isTrue();
        assertThat(policy.allowsHandle("@alice@shop.example")).isTrue();
    }

    @Test
    void aPolicySelectsByNameOrLabelFillsPlaceholdersAndTheFirstByNameWinsAnOverlap() {
        TenantPolicySpec byLabel = new TenantPolicySpec();
        byLabel.namespaceSelector = new NamespaceSelector();
        byLabel.namespaceSelector.matchLabels = Map.of("tenant", "payments");
        NamespaceSelector.Requirement notFrozen = new NamespaceSelector.Requirement();
        notFrozen.key = "frozen";
        notFrozen.operator = "DoesNotExist";
        byLabel.namespaceSelector.matchExpressions = List.of(notFrozen);
        byLabel.services = List.of("${label.tenant}-*");
        byLabel.notify = List.of("@pagerduty-${label.tenant}");
        TenantPolicySpec byName = new TenantPolicySpec();
        byName.namespaces = List.of("pay-prod");
        byName.services = List.of("nothing");

        TenantRules rules = TenantRules.forNamespace(
                "pay-prod",
                Map.of("tenant", "payments"),
                List.of(policy("b-by-name", byName), policy("a-by-label", byLabel)),
                TenantRules.Defaults.SHIPPED,
                Set.of());
        TenantRules other = TenantRules.forNamespace(
                "shop",
                Map.of("tenant", "shop"),
                List.of(policy("a-by-label", byLabel)),
                TenantRules.Defaults.SHIPPED,
                Set.of());

        assertThat(rules.source()).isEqualTo("TenantPolicy \"a-by-label\"");
        assertThat(rules.allowsService("payments-api")).isTrue();
        assertThat(rules.allowsHandle("@pagerduty-payments")).isTrue();
        assertThat(rules.allowsHandle("@pagerduty-shop")).isFalse();
        assertThat(rules.allowsTeam("pay-prod")).as("unset teams: the default").isTrue();
        assertThat(other.source()).as("the selector does not match").isEqualTo("the default policy");
        assertThat(TenantRules.forNamespace(
                                "pay-old",
                                Map.of("tenant", "payments", "frozen", "yes"),
                                List.of(policy("a-by-label", byLabel)),
                                TenantRules.Defaults.SHIPPED,
                                Set.of())
                        .source())
                .as("an expression does not hold")
                .isEqualTo("the default policy");
    }

    @Test
    void aMalformedPolicyAllowsNothingRatherThanFallingBackToTheDefault() {
        TenantPolicySpec spec = new TenantPolicySpec();
        spec.namespaces = List.of("shop");
        spec.services = List.of("Shop Services");
        spec.notify = List.of("pagerduty-shop", "@slack-${team}");

        TenantRules rules = TenantRules.forNamespace(
                "shop", Map.of(), List.of(policy("shop", spec)), TenantRules.Defaults.SHIPPED, Set.of());

        assertThat(TenantRules.problems(spec)).hasSize(3);
        assertThat(rules.allowsService("shop")).isFalse();
        assertThat(rules.allowsHandle("@slack-shop")).isFalse();
        assertThat(rules.customQueries()).isFalse();
    }

    @Test
    void aPolicySelectingNoNamespaceIsReported() {
        assertThat(TenantRules.problems(new TenantPolicySpec()))
                .singleElement()
                .asString()
                .contains("selects no namespace");
    }

    @Test
    void withoutAProfileListANamespaceUsesTheBuiltInProfileAndProfilesMarkedSharedOnly() {
        TenantRules none =
                TenantRules.forNamespace("shop", Map.of(), List.of(), TenantRules.Defaults.SHIPPED, Set.of());
        TenantPolicySpec unlisted = new TenantPolicySpec();
        unlisted.namespaces = List.of("shop");
        TenantRules withPolicy = TenantRules.forNamespace(
                "shop", Map.of(), List.of(policy("shop", unlisted)), TenantRules.Defaults.SHIPPED, Set.of());

        for (TenantRules rules : List.of(none, withPolicy)) {
            assertThat(rules.allowsProfile("default", false)).isTrue();
            assertThat(rules.allowsProfile("web-service", true)).isTrue();
            assertThat(rules.allowsProfile("payments", false))
                    .as("a team's profile that does not say it is shared")
                    .isFalse();
        }
        assertThat(PolicyCheck.profile(none, "shop", "payments", false).describe())
                .isEqualTo("MonitoringProfile \"payments\" is not allowed in namespace shop (allowed: default and"
                        + " profiles marked shared) (rule the default policy profiles)");
    }

    @Test
    void aProfileListAllowsWhatItNamesAndNothingElseNotEvenSharedProfiles() {
        TenantPolicySpec spec = new TenantPolicySpec();
        spec.namespaces = List.of("payments");
        spec.profiles = List.of("default", "${namespace}-*");
        TenantRules rules = TenantRules.forNamespace(
                "payments", Map.of(), List.of(policy("payments", spec)), TenantRules.Defaults.SHIPPED, Set.of());

        assertThat(rules.allowsProfile("payments-api", false)).isTrue();
        assertThat(rules.allowsProfile("default", false)).isTrue();
        assertThat(rules.allowsProfile("web-service", true)).isFalse();
        assertThat(PolicyCheck.profile(rules, "payments", "web-service", true).message())
                .isEqualTo("MonitoringProfile \"web-service\" is not allowed in namespace payments (allowed: default,"
                        + " payments-*)");

        spec.profiles = List.of("Payments OR *");
        assertThat(TenantRules.problems(spec))
                .containsExactly("spec.profiles pattern \"Payments OR *\" is not a" + " valid profile name pattern");
    }
}
