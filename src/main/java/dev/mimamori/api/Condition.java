package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** A status condition in Kubernetes API conventions, described field by field for `kubectl explain`. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {
    @JsonPropertyDescription("Condition type; Ready is the one every tool reads.")
    private String type;

    @JsonPropertyDescription("True, False or Unknown.")
    private String status;

    @JsonPropertyDescription(
            "Why, as a stable CamelCase word documented in the README (e.g. MonitorsInSync, ProfileNotFound).")
    private String reason;

    @JsonPropertyDescription("What happened, in a sentence for people.")
    private String message;

    @JsonPropertyDescription("The metadata.generation the condition was computed from.")
    private Long observedGeneration;

    @JsonPropertyDescription("When the status last changed (not when it was last checked).")
    private String lastTransitionTime;

    public Condition() {}

    public Condition(
            String type,
            String status,
            String reason,
            String message,
            Long observedGeneration,
            String lastTransitionTime) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
        this.observedGeneration = observedGeneration;
        this.lastTransitionTime = lastTransitionTime;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getLastTransitionTime() {
        return lastTransitionTime;
    }

    public void setLastTransitionTime(String lastTransitionTime) {
        this.lastTransitionTime = lastTransitionTime;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Condition c
                && Objects.equals(type, c.type)
                && Objects.equals(status, c.status)
                && Objects.equals(reason, c.reason)
                && Objects.equals(message, c.message)
                && Objects.equals(observedGeneration, c.observedGeneration)
                && Objects.equals(lastTransitionTime, c.lastTransitionTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, status, reason, message, observedGeneration, lastTransitionTime);
    }
}
