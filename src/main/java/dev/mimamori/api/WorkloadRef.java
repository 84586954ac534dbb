package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The workload a ReleaseCheck watches, in the check's own namespace. */
public class WorkloadRef {
    @Default("Deployment")
    @Size(max = 10)
    @Pattern("^Deployment$")
    @JsonPropertyDescription("Kind of the workload; only Deployment is supported.")
    public String kind = "Deployment";

    @Required
    @Size(max = 253)
    @Pattern(TagRules.OBJECT_NAME)
    @JsonPropertyDescription("Name of the workload in the same namespace.")
    public String name;
}
