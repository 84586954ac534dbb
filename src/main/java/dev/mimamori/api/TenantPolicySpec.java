package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantPolicySpec {
    @Size(max = 500)
    @JsonPropertyDescription(
            "Namespaces this policy applies to, by name. A namespace selected by several policies gets the one whose name sorts first.")
    public List<@Size(max = 63) String> namespaces;

    @JsonPropertyDescription("Namespaces this policy applies to, by label (in addition to spec.namespaces).")
    public NamespaceSelector namespaceSelector;

    @Size(max = 100)
    @JsonPropertyDescription(
            "Services the namespace may claim (spec.service, the gate's service). Patterns: * matches any run of characters; ${namespace} is the namespace's name, ${label.KEY} the value of its label KEY. Unset: the operator's default (${namespace} and ${namespace}-*).")
    public List<@Size(max = 200) String> services;

    @Size(max = 100)
    @JsonPropertyDescription("Envs the namespace may claim, as patterns. Unset: any env.")
    public List<@Size(max = 200) String> envs;

    @Size(max = 100)
    @JsonPropertyDescription(
            "Teams (spec.team) the namespace may claim, as patterns. Unset: the operator's default (${namespace} and ${namespace}-*).")
    public List<@Size(max = 200) String> teams;

    @Size(max = 100)
    @JsonPropertyDescription(
            "Notification handles the namespace may use in spec.notify and in messages it writes, as patterns, e.g. @slack-payments-*, @pagerduty-payments. Unset: the operator's default (@slack-* and @teams-*).")
    public List<@Size(max = 200) String> notify;

    @Size(max = 100)
    @JsonPropertyDescription(
            "MonitoringProfiles the namespace may use (a ServiceMonitoring's or a ReleaseCheck's spec.profile), as patterns, e.g. default, payments-*. Unset: the operator's default (the built-in default profile and every profile marked spec.shared).")
    public List<@Size(max = 200) String> profiles;

    @JsonPropertyDescription(
            "Whether the namespace may write its own monitor, SLO and gate metric queries (always confined to its own service and env). Default true.")
    public Boolean customQueries;

    @Min(0)
    @JsonPropertyDescription(
            "How many ServiceMonitorings the namespace may hold; the oldest are served, the rest refused. Unset: no limit.")
    public Integer maxServiceMonitorings;

    @Min(0)
    @JsonPropertyDescription(
            "How many monitors one ServiceMonitoring may render to (burn-rate alerts included). Unset: no limit.")
    public Integer maxMonitors;

    @Min(0)
    @JsonPropertyDescription(
            "How many unfinished ReleaseChecks the namespace may run at once; a newer one beyond it ends in Error. Unset: no limit.")
    public Integer maxReleaseChecks;
}
