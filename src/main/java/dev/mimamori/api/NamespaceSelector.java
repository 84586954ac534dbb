package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

import java.util.List;
import java.util.Map;

/** Namespaces by label, as a Kubernetes label selector: every matchLabels entry and every expression must hold. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NamespaceSelector {
    @JsonPropertyDescription("Labels the namespace must carry with exactly these values.")
    public Map<String, String> matchLabels;

    @JsonPropertyDescription("Requirements on the namespace's labels.")
    public List<Requirement> matchExpressions;

    /** One requirement on a label. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Requirement {
        @Required
        @JsonPropertyDescription("The label key.")
        public String key;

        @Required
        @Pattern("^(In|NotIn|Exists|DoesNotExist)$")
        @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.")
        public String operator;

        @JsonPropertyDescription("The values for In and NotIn.")
        public List<String> values;
    }
}
