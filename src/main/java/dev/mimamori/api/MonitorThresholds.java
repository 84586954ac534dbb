package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Alert thresholds. Strings so that a profile can write {@code ${params.NAME}}; each must render to a number. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitorThresholds {
    @JsonPropertyDescription("Value that triggers an alert; must equal the value the query compares against, as Datadog requires. Placeholders allowed.")
    public String critical;
    @JsonPropertyDescription("Value that triggers a warning. Placeholders allowed.")
    public String warning;
    @JsonPropertyDescription("Value at which an alert recovers (optional). Placeholders allowed.")
    public String criticalRecovery;
    @JsonPropertyDescription("Value at which a warning recovers (optional). Placeholders allowed.")
    public String warningRecovery;
    @JsonPropertyDescription("For service checks: number of OK results before the check recovers. Placeholders allowed.")
    public String ok;
}
