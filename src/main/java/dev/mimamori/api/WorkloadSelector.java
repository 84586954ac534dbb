package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;

/** A label selector of Deployments, with the semantics of Kubernetes label selectors. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadSelector {
    @Size(max = 20)
    @JsonPropertyDescription("Labels a Deployment must all carry with these values.")
    public Map<String, @Size(max = 63) String> matchLabels;

    @Size(max = 20)
    @JsonPropertyDescription("Further requirements, all of which must hold.")
    public List<Requirement> matchExpressions;

    /** One requirement on a label. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Requirement {
        @Required
        @Size(max = 317)
        @JsonPropertyDescription("The label key.")
        public String key;

        @Required
        @Size(max = 12)
        @Pattern("^(In|NotIn|Exists|DoesNotExist)$")
        @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.")
        public String operator;

        @Size(max = 50)
        @JsonPropertyDescription("Values for In and NotIn.")
        public List<@Size(max = 63) String> values;
    }
}
