package dev.mimamori.datadog;

import java.util.List;

/** The tags that mark a monitor as mimamori's, and say which cluster and which ServiceMonitoring own it. */
public final class OwnershipTags {
    public static final String MANAGED_BY = "managed-by";
    public static final String CLUSTER = "mimamori-cluster";
    public static final String OWNER = "mimamori-owner";
    public static final String MONITOR = "mimamori-monitor";
    public static final String SLO = "mimamori-slo";

    private OwnershipTags() {
    }

    /** The filter that selects every monitor this operator instance manages, for one list call. */
    public static List<String> ofCluster(String clusterName) {
        return List.of(MANAGED_BY + ":mimamori", CLUSTER + ":" + clusterName);
    }

    /** The filter that selects one ServiceMonitoring's monitors, for a list call of its own. */
    public static List<String> ofOwner(String clusterName, String ownerKey) {
        return List.of(MANAGED_BY + ":mimamori", CLUSTER + ":" + clusterName, OWNER + ":" + ownerKey);
    }

    public static List<String> of(String clusterName, String ownerKey, String templateName) {
        return List.of(MANAGED_BY + ":mimamori", CLUSTER + ":" + clusterName, OWNER + ":" + ownerKey,
                MONITOR + ":" + templateName);
    }

    public static List<String> ofSlo(String clusterName, String ownerKey, String sloName) {
        return List.of(MANAGED_BY + ":mimamori", CLUSTER + ":" + clusterName, OWNER + ":" + ownerKey,
                SLO + ":" + sloName);
    }
}
