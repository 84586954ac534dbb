package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;
import java.util.Map;

/** A label selector of Deployments, with the semantics of Kubernetes label selectors. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadSelector {
    @JsonPropertyDescription("Labels a Deployment must all carry with these values.")
    public Map<String, String> matchLabels;

    @JsonPropertyDescription("Further requirements, all of which must hold.")
    public List<Requirement> matchExpressions;

    /** One requirement on a label. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Requirement {
        @JsonPropertyDescription("The label key.")
        public String key;
        @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.")
        public String operator;
        @JsonPropertyDescription("Values for In and NotIn.")
        public List<String> values;
    }
}
