package dev.mimamori.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one way every reconciler writes status: only when it changed, so an idle resync costs the API server nothing,
 * and with the reschedule the reconciler asked for.
 */
public final class StatusWriter {

    private StatusWriter() {}

    public static <S, R extends CustomResource<?, S>> UpdateControl<R> write(R resource, S status, Duration after) {
        if (unchanged(resource, status)) {
            return rescheduled(UpdateControl.noUpdate(), after);
        }
        resource.setStatus(status);
        return rescheduled(UpdateControl.patchStatus(resource), after);
    }

    private static <S, R extends CustomResource<?, S>> boolean unchanged(R resource, S status) {
        return Objects.equals(Serialization.asJson(resource.getStatus()), Serialization.asJson(status));
    }

    private static <R extends CustomResource<?, ?>> UpdateControl<R> rescheduled(
            UpdateControl<R> control, Duration after) {
        return after == null ? control : control.rescheduleAfter(after);
    }

    /**
     * Status writes for a controller that reads its resources from the informer alone, without JOSDK's
     * read-after-write cache (the ServiceMonitoring controller): a reconcile may then start from a copy older than
     * its own last write. The status is written whole, with the resourceVersion the reconcile read, so a write from
     * an old copy is refused (409) and tried again shortly from a fresh one, instead of being merged into a newer
     * status or skipped because it matches the old copy.
     */
    public static final class Optimistic {
        /** Conflicts come back this much later, when the informer has caught up. */
        static final Duration AFTER_CONFLICT = Duration.ofSeconds(1);

        private final KubernetesClient client;
        /** By uid, the resourceVersion our last status write produced, until the informer's copy has it. */
        private final Map<String, String> lastWritten = new ConcurrentHashMap<>();

        public Optimistic(KubernetesClient client) {
            this.client = client;
        }

        public <S, R extends CustomResource<?, S>> UpdateControl<R> write(R resource, S status, Duration after) {
            String uid = resource.getMetadata().getUid();
            String ours = uid == null ? null : lastWritten.get(uid);
            // The copy holds our last write (or we wrote none): comparing with it tells whether anything changed.
            // Once the informer has caught up, copies never go back, so the entry is no longer needed.
            boolean copyHasOurLastWrite =
                    ours == null || ours.equals(resource.getMetadata().getResourceVersion());
            if (ours != null && copyHasOurLastWrite) {
                lastWritten.remove(uid, ours);
            }
            if (copyHasOurLastWrite && unchanged(resource, status)) {
                return rescheduled(UpdateControl.noUpdate(), after);
            }
            resource.setStatus(status);
            try {
                R written = client.resource(resource).updateStatus();
                if (uid != null && written != null) {
                    lastWritten.put(uid, written.getMetadata().getResourceVersion());
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                return UpdateControl.<R>noUpdate().rescheduleAfter(AFTER_CONFLICT);
            }
            return rescheduled(UpdateControl.noUpdate(), after);
        }

        /** For {@code updateErrorStatus}: the same write; JOSDK then writes nothing itself. */
        public <S, R extends CustomResource<?, S>> ErrorStatusUpdateControl<R> writeError(R resource, S status) {
            try {
                write(resource, status, null);
            } catch (KubernetesClientException e) {
                // The error status is best effort: the retry JOSDK schedules for the error comes back either way.
            }
            return ErrorStatusUpdateControl.noStatusUpdate();
        }

        /** A deleted resource. */
        public void forget(String uid) {
            if (uid != null) {
                lastWritten.remove(uid);
            }
        }
    }

    /** For {@code updateErrorStatus}: the error condition, written only when it changed. */
    public static <S, R extends CustomResource<?, S>> ErrorStatusUpdateControl<R> writeError(R resource, S status) {
        if (unchanged(resource, status)) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        resource.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(resource);
    }
}
