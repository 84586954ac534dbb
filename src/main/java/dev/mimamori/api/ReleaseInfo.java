package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The release under test, as resolved from the spec and the Deployment at the start. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReleaseInfo {
    @JsonPropertyDescription("Datadog service tag.")
    public String service;

    @JsonPropertyDescription("Datadog env tag.")
    public String env;

    @JsonPropertyDescription("Version under test.")
    public String candidateVersion;

    @JsonPropertyDescription("Version compared against; empty when the window before the rollout is the baseline.")
    public String baselineVersion;

    @JsonPropertyDescription("Deployment revision under test.")
    public Long revision;

    @JsonPropertyDescription("The previous revision, the one a rollback restores.")
    public Long baselineRevision;

    @JsonPropertyDescription(
            "Versions (baseline version before, candidate after), BeforeAfter (same version, before and after the rollout) or Concurrent (both versions over the same minutes while the rollout is held).")
    public String mode;
}
