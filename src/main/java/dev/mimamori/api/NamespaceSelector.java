package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;

/** Namespaces by label, as a Kubernetes label selector: every matchLabels entry and every expression must hold. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NamespaceSelector {
    @JsonPropertyDescription("Labels the namespace must carry with exactly these values.")
    @Size(max = 50)
    public Map<@Size(max = 317) String, @Size(max = 63) String> matchLabels;

    @JsonPropertyDescription("Requirements on the namespace's labels.")
    @Size(max = 20)
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

        @JsonPropertyDescription("The values for In and NotIn.")
        @Size(max = 50)
        public List<@Size(max = 63) String> values;
    }
}
