package dev.mimamori.bench;

import dev.mimamori.api.Condition;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.status.Conditions;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows every ServiceMonitoring's Ready condition and first telemetry check through one watch. At a thousand
 * resources and more, listing them all every second would cost the shared API server (one event loop) more than
 * the operator's own status writes do; a watch costs one small event per change, and only two booleans per resource
 * are kept (an informer would keep every resource).
 */
final class ReadinessWatch implements AutoCloseable {
    private record State(boolean ready, boolean telemetryChecked) {}

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Watch watch;

    ReadinessWatch(KubernetesClient client) {
        watch = client.resources(ServiceMonitoring.class).inAnyNamespace().watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ServiceMonitoring sm) {
                String key =
                        sm.getMetadata().getNamespace() + "/" + sm.getMetadata().getName();
                if (action == Action.DELETED) {
                    states.remove(key);
                } else if (action != Action.ERROR) {
                    states.put(key, new State(isReady(sm), sm.getStatus() != null && sm.getStatus().telemetry != null));
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                // The benchmark's deadline notices a watch that stopped reporting.
            }
        });
    }

    static boolean isReady(ServiceMonitoring sm) {
        Condition ready = Resources.ready(sm);
        return ready != null && Conditions.TRUE.equals(ready.getStatus());
    }

    int ready() {
        return (int) states.values().stream().filter(State::ready).count();
    }

    int telemetryChecked() {
        return (int) states.values().stream().filter(State::telemetryChecked).count();
    }

    @Override
    public void close() {
        watch.close();
    }
}
