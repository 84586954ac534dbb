package dev.mimamori.servicemonitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.MonitorTemplate;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.api.TagRules;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.ManagedDashboard;
import dev.mimamori.datadog.ManagedMonitor;
import dev.mimamori.datadog.MonitorDefinition;
import dev.mimamori.datadog.SloDefinition;
import dev.mimamori.render.BuiltInProfile;
import dev.mimamori.render.MonitorRenderer;
import dev.mimamori.render.Rendering;
import dev.mimamori.sync.Desired;
import dev.mimamori.sync.Inventories;
import dev.mimamori.sync.Inventory;
import dev.mimamori.sync.MonitorKind;
import dev.mimamori.sync.SyncRun;
import dev.mimamori.testing.InMemoryDatadog;
import dev.mimamori.testing.TestConfig;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Tenant input and Datadog's own tag rules against the sync engine. Plain JUnit over the
 * in-memory Datadog; where Datadog's storage matters, a view of it that stores tags as Datadog documents it
 * (lowercased, cut at 200 characters).
 */
class TenantAndDatadogRulesSyncTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final InMemoryDatadog memory = new InMemoryDatadog();
    private final TestConfig config = new TestConfig("mem://", "k", "k", Duration.ofSeconds(1));

    private static ServiceMonitoringSpec spec(String service) {
        ServiceMonitoringSpec spec = new ServiceMonitoringSpec();
        spec.service = service;
        spec.env = "prod";
        return spec;
    }

    private static MonitorTemplate monitor(String name) {
        MonitorTemplate t = new MonitorTemplate();
        t.name = name;
        t.type = "query alert";
        t.query = "avg(last_5m):avg:trace.http.request.errors{service:${service},env:${env}} > 5";
        t.message = "errors";
        return t;
    }

    private static Rendering render(MonitoringProfileSpec profile, ServiceMonitoringSpec spec, String owner) {
        Rendering rendering = MonitorRenderer.render(profile, spec, owner, "c1");
        assertThat(rendering.ok()).as("rendering: %s", rendering.problem()).isTrue();
        return rendering;
    }

    /** Datadog as its docs describe tags: stored lowercased and cut at 200 characters, and matched so in list filters. */
    private static DatadogApi storingTagsAsDatadog(DatadogApi delegate) {
        return (DatadogApi) Proxy.newProxyInstance(
                DatadogApi.class.getClassLoader(), new Class<?>[] {DatadogApi.class}, (proxy, method, args) -> {
                    if (args != null) {
                        for (int i = 0; i < args.length; i++) {
                            if (args[i] instanceof MonitorDefinition d) {
                                args[i] = new MonitorDefinition(
                                        d.name(),
                                        d.type(),
                                        d.query(),
                                        d.message(),
                                        d.priority(),
                                        asStored(d.tags()),
                                        d.thresholds(),
                                        d.settings());
                            } else if (method.getName().startsWith("list") && args[i] instanceof String tag) {
                                args[i] = tag.toLowerCase(Locale.ROOT);
                            } else if (method.getName().startsWith("list") && args[i] instanceof List<?> tags) {
                                args[i] = asStored(
                                        tags.stream().map(String::valueOf).toList());
                            } else if (args[i] instanceof SloDefinition s) {
                                args[i] = new SloDefinition(
                                        s.name(),
                                        s.description(),
                                        asStored(s.tags()),
                                        s.timeframe(),
                                        s.target(),
                                        s.warning(),
                                        s.numerator(),
                                        s.denominator());
                            }
                        }
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static List<String> asStored(List<String> tags) {
        return tags.stream()
                .map(t -> t.toLowerCase(Locale.ROOT))
                .map(t -> t.length() > 200 ? t.substring(0, 200) : t)
                .toList();
    }

    @Test
    void aMonitorNamedLikeABurnRateAlertIsRefusedBeforeItCanMakeEverySyncCreateAndDeleteAgain() {
        ServiceMonitoringSpec spec = spec("api");
        // A tenant's own monitor whose name happens to be the one the operator gives the availability SLO's alert.
        spec.monitors = List.of(monitor("slo-availability-fast-burn"));
        Rendering rendering = MonitorRenderer.render(BuiltInProfile.spec(), spec, "shop/api", "c1");

        assertThat(rendering.ok()).isFalse();
        assertThat(rendering.problem().reason()).isEqualTo("InvalidTemplate");
        assertThat(rendering.problem().message()).contains("slo-availability-fast-burn", "burn-rate alert");
    }

    @Test
    void twoMonitorNamesDifferingOnlyInCaseAreRefused() {
        ServiceMonitoringSpec spec = spec("api");
        spec.monitors = List.of(monitor("HighErrors"), monitor("higherrors"));
        Rendering rendering = MonitorRenderer.render(BuiltInProfile.spec(), spec, "shop/api", "c1");

        assertThat(rendering.problem().reason()).isEqualTo("InvalidTemplate");
        assertThat(rendering.problem().message()).contains("without case");
    }

    @Test
    void everyOwnershipTagIsOneDatadogStoresAsWritten() {
        ServiceMonitoringSpec spec = spec("api");
        spec.monitors = List.of(monitor("HighErrors"));
        String longOwner = dev.mimamori.sync.Ownership.ownerKey("shop", "a".repeat(190));
        Rendering capitals = render(BuiltInProfile.spec(), spec, "shop/api");
        Rendering longName = render(BuiltInProfile.spec(), spec("api"), longOwner);

        List<String> tags = new ArrayList<>();
        capitals.monitors().forEach(m -> tags.addAll(m.definition().tags()));
        longName.monitors().forEach(m -> tags.addAll(m.definition().tags()));
        longName.slos().forEach(s -> tags.addAll(s.definition().tags()));
        // Either refused with a clear message at render time, or every tag survives Datadog's storage unchanged.
        assertThat(tags).allSatisfy(tag -> assertThat(tag).matches(TagRules.TAG));
    }

    @Test
    void aTemplateNameWithCapitalsIsNotDeletedAndCreatedAgainAtEverySync() {
        DatadogApi datadog = storingTagsAsDatadog(memory);
        Inventories inventories = new Inventories(datadog, config, new SimpleMeterRegistry());
        ServiceSync sync = new ServiceSync(inventories, new ServiceMonitoringEvents());
        ServiceMonitoringSpec spec = spec("api");
        spec.monitors = List.of(monitor("HighErrors"));
        Rendering rendering = render(BuiltInProfile.spec(), spec, "shop/api");

        sync.sync("shop/api", rendering);
        int afterFirst = memory.writes();
        ServiceSync.Outcome again = sync.sync("shop/api", rendering);

        assertThat(again.report().created()).as("created again").isEmpty();
        assertThat(again.report().deleted()).as("deleted").isEmpty();
        assertThat(memory.writes()).isEqualTo(afterFirst);
    }

    @Test
    void aLiveServiceWithALongNameKeepsItsMonitorsPastTheOrphanGracePeriod() {
        DatadogApi datadog = storingTagsAsDatadog(memory);
        Inventories inventories = new Inventories(datadog, config, new SimpleMeterRegistry());
        ServiceSync sync = new ServiceSync(inventories, new ServiceMonitoringEvents());
        OrphanCollectorTest.MutableClock clock = new OrphanCollectorTest.MutableClock();
        OrphanCollector collector = new OrphanCollector(inventories, sync, clock, config);
        // Kubernetes allows 253 characters in a name; this one is far from that.
        String owner = dev.mimamori.sync.Ownership.ownerKey("shop", "checkout-api-".repeat(15) + "x");
        sync.sync(owner, render(BuiltInProfile.spec(), spec("api"), owner));
        int monitors = memory.monitors.size();
        assertThat(monitors).isPositive();

        inventories.monitors().refresh();
        inventories.slos().refresh();
        collector.collect(Set.of(owner));
        clock.now = clock.now.plus(config.orphanGracePeriod()).plusSeconds(1);
        inventories.monitors().refresh();
        inventories.slos().refresh();
        Set<String> collected = collector.collect(Set.of(owner));

        assertThat(collected)
                .as("owners collected while their ServiceMonitoring exists")
                .isEmpty();
        assertThat(memory.monitors).hasSize(monitors);
    }

    private static MonitoringProfileSpec profileWithDashboardDescription(String description) {
        MonitoringProfileSpec profile = Serialization.clone(BuiltInProfile.spec());
        profile.dashboard.description = description;
        return profile;
    }

    @Test
    void aDashboardDescriptionThatMentionsTheMarkerDoesNotCreateADashboardAtEveryDriftCheck() {
        Inventories inventories = new Inventories(memory, config, new SimpleMeterRegistry());
        ServiceSync sync = new ServiceSync(inventories, new ServiceMonitoringEvents());
        MonitoringProfileSpec profile =
                profileWithDashboardDescription("Owned by the platform team [mimamori profile docs: see the wiki]");
        Rendering rendering = render(profile, spec("api"), "shop/api");

        for (int resync = 0; resync < 3; resync++) {
            assertThat(sync.dashboard(rendering.dashboard().orElseThrow()).failure())
                    .isNull();
            inventories.dashboards().refresh();
        }

        assertThat(memory.dashboards).as("dashboards of one profile").hasSize(1);
    }

    private ManagedDashboard putDashboard(String id, String profile, String modifiedAt) {
        ObjectNode body = JSON.createObjectNode()
                .put("title", "Services")
                .put("layout_type", "ordered")
                .put("description", "[mimamori cluster=c1 profile=" + profile + "]");
        body.putArray("widgets");
        body.put("id", id);
        ManagedDashboard d = new ManagedDashboard(
                id, "Services", body.get("description").asText(), "/dashboard/" + id, modifiedAt, body);
        memory.dashboards.put(id, d);
        return d;
    }

    @Test
    void theDashboardPeopleLinkToIsKeptWhenSomeoneClonesItInDatadog() {
        Inventories inventories = new Inventories(memory, config, new SimpleMeterRegistry());
        ServiceSync sync = new ServiceSync(inventories, new ServiceMonitoringEvents());
        Rendering rendering = render(BuiltInProfile.spec(), spec("api"), "shop/api");
        String original = sync.dashboard(rendering.dashboard().orElseThrow()).id();
        // Datadog's ids are random (abc-def-ghi): a clone made later may well sort before the original.
        memory.dashboards.put(
                "aaa-clone",
                new ManagedDashboard(
                        "aaa-clone",
                        "Services (clone)",
                        memory.dashboards.get(original).description(),
                        "/dashboard/aaa-clone",
                        "9999",
                        memory.dashboards.get(original).stored().deepCopy()));
        inventories.dashboards().refresh();

        ServiceSync.DashboardOutcome outcome =
                sync.dashboard(rendering.dashboard().orElseThrow());

        assertThat(outcome.id()).as("the dashboard every status links to").isEqualTo(original);
        assertThat(memory.dashboards).containsKey(original);
    }

    @Test
    void oneDashboardDatadogWillNotLetUsReadDoesNotStopEveryOtherProfilesDashboard() {
        putDashboard("ddd-other", "other-profile", "5");
        memory.refuse(
                "readDashboard",
                "ddd-other",
                new DatadogException(DatadogException.Kind.FORBIDDEN, "HTTP 403: restricted"));
        Inventories inventories = new Inventories(memory, config, new SimpleMeterRegistry());
        ServiceSync sync = new ServiceSync(inventories, new ServiceMonitoringEvents());
        Rendering rendering = render(BuiltInProfile.spec(), spec("api"), "shop/api");

        ServiceSync.DashboardOutcome outcome =
                sync.dashboard(rendering.dashboard().orElseThrow());

        assertThat(outcome.failure())
                .as("failure of the default profile's dashboard")
                .isNull();
        assertThat(outcome.id()).isNotNull();
    }

    @Test
    void orphaningAResourceWhoseMonitorWasDeletedByHandReleasesTheRestAndLetsTheFinalizerGo() {
        Inventories inventories = new Inventories(memory, config, new SimpleMeterRegistry());
        ServiceSync sync = new ServiceSync(inventories, new ServiceMonitoringEvents());
        sync.sync("shop/api", render(BuiltInProfile.spec(), spec("api"), "shop/api"));
        long gone = memory.monitors.keySet().stream()
                .mapToLong(Long::longValue)
                .min()
                .orElseThrow();
        memory.monitors.remove(gone);

        int released = sync.release("shop/api");

        assertThat(released).isPositive();
        assertThat(memory.monitors.values())
                .noneMatch(m -> m.definition().tags().contains("managed-by:mimamori"));
    }

    @Test
    void orphaningAResourceWithOneRestrictedMonitorStillReleasesEveryOtherObject() {
        Inventories inventories = new Inventories(memory, config, new SimpleMeterRegistry());
        ServiceSync sync = new ServiceSync(inventories, new ServiceMonitoringEvents());
        sync.sync("shop/api", render(BuiltInProfile.spec(), spec("api"), "shop/api"));
        long restricted = memory.monitors.keySet().stream()
                .mapToLong(Long::longValue)
                .min()
                .orElseThrow();
        memory.refuse(
                "updateMonitor",
                Long.toString(restricted),
                new DatadogException(DatadogException.Kind.FORBIDDEN, "HTTP 403: restricted roles"));

        try {
            sync.release("shop/api");
        } catch (DatadogException e) {
            // Whether the refused object is thrown or reported, every other object must be released.
        }

        assertThat(memory.monitors.values().stream().filter(m -> m.id() != restricted))
                .noneMatch(m -> m.definition().tags().contains("managed-by:mimamori"));
        assertThat(memory.slos.values()).noneMatch(s -> s.definition().tags().contains("managed-by:mimamori"));
    }

    @Test
    void aClusterNameWithCapitalsDoesNotMakeEveryResyncRewriteEveryMonitor() {
        DatadogApi datadog = storingTagsAsDatadog(memory);
        Inventory<MonitorDefinition, ManagedMonitor> monitors =
                new Inventory<>(new MonitorKind(datadog, "Prod-EU"), null);
        Rendering rendering = MonitorRenderer.render(BuiltInProfile.spec(), spec("api"), "shop/api", "Prod-EU");
        List<Desired<MonitorDefinition>> wanted = rendering.monitors().stream()
                .map(m -> new Desired<>(m.templateName(), m.definition()))
                .toList();
        SyncRun first = new SyncRun("shop/api");
        first.upsert(monitors, wanted);
        first.finish();
        monitors.refresh();

        SyncRun resync = new SyncRun("shop/api");
        resync.upsert(monitors, wanted);
        resync.finish();

        assertThat(resync.report().changedAnything())
                .as(
                        "an unchanged resync writes; updated %s, created %s",
                        resync.report().updated(), resync.report().created())
                .isFalse();
    }
}
