package dev.mimamori.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The action a finished check took; recorded before and after acting, so a restart never acts twice. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ActionStatus {
    public static final String PENDING = "Pending";
    public static final String DONE = "Done";
    public static final String FAILED = "Failed";
    public static final String SKIPPED = "Skipped";

    @JsonPropertyDescription("Flag, Pause or Rollback (a passed check is flagged: annotated and announced).")
    public String type;

    @JsonPropertyDescription(
            "passed, failed or inconclusive: the verdict after onInconclusive, fixed with the verdict; the Deployment's mimamori.dev/release-check annotation gets this value.")
    public String outcome;

    @JsonPropertyDescription(
            "Pending, Done, Failed, or Skipped when a newer rollout had replaced the judged revision before the action.")
    public String result;

    @JsonPropertyDescription("What was done, e.g. \"rolled back to revision 6\".")
    public String message;

    public ActionStatus() {}

    public ActionStatus(String type, String result, String message) {
        this.type = type;
        this.result = result;
        this.message = message;
    }
}
