package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/** Alert thresholds. Strings so that a profile can write {@code ${params.NAME}}; each must render to a number. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MonitorThresholds {
    @Size(max = 100)
    @JsonPropertyDescription(
            "Value that triggers an alert; must equal the value the query compares against, as Datadog requires. Placeholders allowed.")
    public String critical;

    @Size(max = 100)
    @JsonPropertyDescription("Value that triggers a warning. Placeholders allowed.")
    public String warning;

    @Size(max = 100)
    @JsonPropertyDescription("Value at which an alert recovers (optional). Placeholders allowed.")
    public String criticalRecovery;

    @Size(max = 100)
    @JsonPropertyDescription("Value at which a warning recovers (optional). Placeholders allowed.")
    public String warningRecovery;

    @Size(max = 100)
    @JsonPropertyDescription(
            "For service checks: number of OK results before the check recovers. Placeholders allowed.")
    public String ok;
}
