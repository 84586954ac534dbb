package dev.mimamori.gate;

import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.ReleaseInfo;
import dev.mimamori.api.TagRules;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Works out, once, what a check compares: service, env and versions from the spec or else from Datadog's unified
 * service tagging labels, and the previous revision from the ReplicaSets. Pure.
 */
public final class ReleaseResolution {
    public static final String MODE_VERSIONS = "Versions";
    public static final String MODE_BEFORE_AFTER = "BeforeAfter";
    /** Both versions over the same minutes while the rollout is held (spec.comparison Concurrent). */
    public static final String MODE_CONCURRENT = "Concurrent";

    private ReleaseResolution() {}

    /** Either the release or a sentence saying what is missing. */
    public record Result(ReleaseInfo release, String problem) {}

    public static Result resolve(ReleaseCheckSpec spec, Deployment deployment, List<ReplicaSet> replicaSets) {
        List<ReplicaSet> owned = Revisions.owned(deployment, replicaSets);
        ReleaseInfo r = new ReleaseInfo();
        r.service = firstNonNull(spec.service, Revisions.templateLabel(deployment, Revisions.SERVICE_LABEL));
        r.env = firstNonNull(spec.env, Revisions.templateLabel(deployment, Revisions.ENV_LABEL));
        r.candidateVersion =
                firstNonNull(spec.candidateVersion, Revisions.templateLabel(deployment, Revisions.VERSION_LABEL));
        r.revision = Revisions.revisionOf(deployment);
        if (r.revision == null) {
            r.revision = owned.stream()
                    .map(Revisions::revisionOf)
                    .filter(Objects::nonNull)
                    .max(Long::compare)
                    .orElse(null);
        }
        Optional<ReplicaSet> previous = r.revision == null ? Optional.empty() : Revisions.previous(owned, r.revision);
        r.baselineRevision = previous.map(Revisions::revisionOf).orElse(null);
        r.baselineVersion = firstNonNull(
                spec.baselineVersion,
                previous.map(rs -> Revisions.templateLabel(rs, Revisions.VERSION_LABEL))
                        .orElse(null));
        boolean versionChanged = r.baselineVersion != null && !r.baselineVersion.equals(r.candidateVersion);
        r.mode = versionChanged ? MODE_VERSIONS : MODE_BEFORE_AFTER;
        if (!versionChanged) {
            r.baselineVersion = null;
        }
        String problem = missing("service", r.service, Revisions.SERVICE_LABEL, TagRules.isTagValue(r.service));
        problem = problem != null ? problem : missing("env", r.env, Revisions.ENV_LABEL, TagRules.isTagValue(r.env));
        problem = problem != null
                ? problem
                : missing(
                        "candidateVersion",
                        r.candidateVersion,
                        Revisions.VERSION_LABEL,
                        TagRules.isVersion(r.candidateVersion));
        if (problem == null && r.baselineVersion != null && !TagRules.isVersion(r.baselineVersion)) {
            problem = "baselineVersion \"" + r.baselineVersion + "\" is not a valid version";
        }
        return new Result(problem == null ? r : null, problem);
    }

    private static String missing(String field, String value, String label, boolean valid) {
        if (value == null) {
            return "no " + field + ": set spec." + field + " or the label " + label
                    + " on the Deployment's pod template";
        }
        if (!valid) {
            return field + " \"" + value + "\" is not a valid Datadog tag value";
        }
        return null;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
