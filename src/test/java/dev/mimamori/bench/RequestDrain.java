package dev.mimamori.bench;

import dev.mimamori.testing.MockCluster;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.lang.reflect.Field;

/**
 * fabric8's mock API server keeps every request it receives, bodies included, for takeRequest(). Nothing here reads
 * them, and at 5,000 ServiceMonitorings (tens of thousands of status patches and events) they fill the benchmark's
 * heap, so this thread takes them away as they come. MockCluster does not hand out its server, hence the reflection;
 * should that field change, the benchmark runs on without draining and says so.
 */
final class RequestDrain implements AutoCloseable {
    private final Thread thread;

    private RequestDrain(Thread thread) {
        this.thread = thread;
    }

    static RequestDrain of(MockCluster cluster) {
        KubernetesMockServer server;
        try {
            Field field = MockCluster.class.getDeclaredField("server");
            field.setAccessible(true);
            server = (KubernetesMockServer) field.get(cluster);
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.out.println("  (the mock API server's recorded requests cannot be drained: " + e + ")");
            return new RequestDrain(null);
        }
        Thread thread = new Thread(
                () -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            server.takeRequest();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "bench-api-server-request-drain");
        thread.setDaemon(true);
        thread.start();
        return new RequestDrain(thread);
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
