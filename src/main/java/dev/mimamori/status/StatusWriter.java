package dev.mimamori.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.Objects;

/**
 * The one way every reconciler writes status: only when it changed, so an idle resync costs the API server nothing,
 * and with the reschedule the reconciler asked for.
 */
public final class StatusWriter {

    private StatusWriter() {}

    public static <S, R extends CustomResource<?, S>> UpdateControl<R> write(R resource, S status, Duration after) {
        UpdateControl<R> control;
        if (Objects.equals(Serialization.asJson(resource.getStatus()), Serialization.asJson(status))) {
            control = UpdateControl.noUpdate();
        } else {
            resource.setStatus(status);
            control = UpdateControl.patchStatus(resource);
        }
        return after == null ? control : control.rescheduleAfter(after);
    }

    /** For {@code updateErrorStatus}: the error condition, written only when it changed. */
    public static <S, R extends CustomResource<?, S>> ErrorStatusUpdateControl<R> writeError(R resource, S status) {
        if (Objects.equals(Serialization.asJson(resource.getStatus()), Serialization.asJson(status))) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        resource.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(resource);
    }
}
