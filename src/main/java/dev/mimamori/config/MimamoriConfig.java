package dev.mimamori.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * All of mimamori's settings. Environment variables map as usual (MIMAMORI_CLUSTER_NAME -> mimamori.cluster-name);
 * Datadog's own variables (DD_API_KEY, DD_APP_KEY, DD_SITE) are wired in application.properties.
 */
@ConfigMapping(prefix = "mimamori")
public interface MimamoriConfig {

    /** Names this cluster in the mimamori-cluster tag, so two clusters never touch each other's monitors. */
    @WithDefault("default")
    String clusterName();

    /**
     * How often Datadog's Audit Trail is asked what changed, so an edit in Datadog is repaired within this time where
     * the organisation has the Audit Trail.
     */
    @WithDefault("10m")
    Duration resyncInterval();

    /**
     * How often every monitor, SLO and dashboard is listed again whatever the Audit Trail said: the bound on drift
     * repair where the Audit Trail is off or cannot be read, and a safety net where it can.
     */
    @WithDefault("30m")
    Duration fullResyncInterval();

    /** The longest a ReleaseCheck waits between two looks at the clock (warm-up, analysis steps). */
    @WithDefault("1m")
    Duration gatePollInterval();

    /** How often Datadog is asked whether each service's monitors and SLOs have data (at most once per service). */
    @WithDefault("1h")
    Duration telemetryInterval();

    /**
     * How long monitors and SLOs of this cluster whose ServiceMonitoring no longer exists are left before they are
     * deleted (a resource deleted while the operator was down, or without its finalizer).
     */
    @WithDefault("1h")
    Duration orphanGracePeriod();

    /** How long a new service waits for its first telemetry check, so checks due together share one request. */
    @WithDefault("10s")
    Duration telemetryBatchDelay();

    Datadog datadog();

    /** The cluster-wide contention check behind each ServiceMonitoring's Contention condition. */
    Contention contention();

    interface Contention {
        /** How often the nodes are looked at; each look is one request of a few grouped queries. 0 turns it off. */
        @WithDefault("5m")
        Duration interval();

        /**
         * Datadog scope of the node-level and neighbour queries, e.g. {@code kube_cluster_name:prod-eu} when several
         * clusters report to one Datadog organisation; {@code *} reads every node.
         */
        @WithDefault("*")
        String scope();
    }

    interface Datadog {
        Optional<String> apiKey();

        Optional<String> appKey();

        @WithDefault("datadoghq.com")
        String site();

        /** Overrides the whole API base URL (a proxy, the simulator). */
        Optional<String> url();

        @WithDefault("5s")
        Duration connectTimeout();

        @WithDefault("30s")
        Duration readTimeout();
    }

    Tenancy tenancy();

    /**
     * The rules for a namespace no TenantPolicy selects. Unset, each is the safe default of
     * {@code dev.mimamori.tenancy.TenantRules}; a cluster with a single tenant may widen them (e.g. services=*).
     */
    interface Tenancy {
        Optional<List<String>> defaultServices();

        Optional<List<String>> defaultTeams();

        Optional<List<String>> defaultEnvs();

        Optional<List<String>> defaultNotify();

        Optional<List<String>> defaultProfiles();
    }
}
