package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One Datadog object that could not be brought in line; the other objects of the resource still are. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObjectProblemStatus {
    @JsonPropertyDescription("What kind of Datadog object: monitor, SLO or dashboard.")
    public String kind;

    @JsonPropertyDescription("Its name among this resource's objects (the template name).")
    public String name;

    @JsonPropertyDescription("Its Datadog id, when it exists in Datadog.")
    public String id;

    @JsonPropertyDescription(
            "MonitorRejected (Datadog refused the definition), DeletionBlocked (another object refers to it, so Datadog will not delete it) or ObjectForbidden (Datadog refused our key access to this object, e.g. restricted_roles).")
    public String reason;

    @JsonPropertyDescription("What Datadog said, including what refers to the object where Datadog names it.")
    public String message;

    public ObjectProblemStatus() {}

    public ObjectProblemStatus(String kind, String name, String id, String reason, String message) {
        this.kind = kind;
        this.name = name;
        this.id = id;
        this.reason = reason;
        this.message = message;
    }
}
