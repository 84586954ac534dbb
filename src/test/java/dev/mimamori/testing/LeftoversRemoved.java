package dev.mimamori.testing;

import dev.mimamori.api.ReleaseCheck;
import dev.mimamori.api.ServiceMonitoring;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.QuarkusTestResource;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test class that runs against the shared operator, deletes the ServiceMonitorings and ReleaseChecks it
 * left and waits until the operator has cleaned up after them. The operator and the Datadog simulator live on into
 * the next class: left behind, a failed ServiceMonitoring's retry or an unfinished check's look lands in another
 * class's call counts, whichever class happens to run next. A class whose leftovers cannot be removed (a Datadog
 * fault it did not undo) fails here, by name, instead. Registered for every test (META-INF/services).
 */
public class LeftoversRemoved implements AfterAllCallback {
    static final Duration PATIENCE = Duration.ofSeconds(60);

    @Override
    public void afterAll(ExtensionContext context) throws ReflectiveOperationException {
        // Quarkus loads the test class, its annotations, its resources and the operator in a class loader of its own,
        // so they are matched by name; the copy of this class in that loader is the one that sees the cluster.
        Class<?> environment = null;
        for (Annotation annotation : context.getRequiredTestClass().getAnnotations()) {
            if (annotation.annotationType().getName().equals(QuarkusTestResource.class.getName())) {
                Class<?> resource = (Class<?>)
                        annotation.annotationType().getMethod("value").invoke(annotation);
                if (resource.getName().equals(OperatorTestEnvironment.class.getName())) {
                    environment = resource;
                }
            }
        }
        if (environment == null) {
            return;
        }
        try {
            environment
                    .getClassLoader()
                    .loadClass(LeftoversRemoved.class.getName())
                    .getMethod("removeLeftovers", String.class)
                    .invoke(null, context.getRequiredTestClass().getSimpleName());
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof AssertionError failed) {
                throw failed;
            }
            throw e;
        }
    }

    /** Deletes what a class left and waits until the operator has cleaned up after it; fails naming what stays. */
    public static void removeLeftovers(String testClass) throws InterruptedException {
        if (OperatorTestEnvironment.cluster() == null) {
            return;
        }
        KubernetesClient client = OperatorTestEnvironment.cluster().client();
        int found = leftovers(client).size();
        if (found == 0) {
            return;
        }
        Instant start = Instant.now();
        Instant giveUp = start.plus(PATIENCE);
        List<String> left;
        do {
            // Again each round: a deleted automatic check comes back while its ServiceMonitoring still gates.
            client.resources(ServiceMonitoring.class).inAnyNamespace().delete();
            client.resources(ReleaseCheck.class).inAnyNamespace().delete();
            Thread.sleep(200);
            left = leftovers(client);
        } while (!left.isEmpty() && Instant.now().isBefore(giveUp));
        System.out.printf(
                "%s left %d ServiceMonitorings and ReleaseChecks: deleted, %d gone in %d ms%n",
                testClass,
                found,
                found - left.size(),
                Duration.between(start, Instant.now()).toMillis());
        if (!left.isEmpty()) {
            // Released, so that the next class starts clean and only this one fails.
            for (ServiceMonitoring sm : client.resources(ServiceMonitoring.class)
                    .inAnyNamespace()
                    .list()
                    .getItems()) {
                try {
                    client.resource(sm).edit(stuck -> {
                        stuck.getMetadata().setFinalizers(List.of());
                        return stuck;
                    });
                } catch (KubernetesClientException e) {
                    // gone or changed meanwhile: the failure below names the class either way
                }
            }
            throw new AssertionError(testClass + " left " + left.size() + " resource(s) the operator could not clean"
                    + " up within " + PATIENCE.toSeconds() + "s (undo the Datadog faults a test sets); first: "
                    + left.get(0));
        }
    }

    private static List<String> leftovers(KubernetesClient client) {
        return Stream.concat(
                        client.resources(ReleaseCheck.class).inAnyNamespace().list().getItems().stream(),
                        client.resources(ServiceMonitoring.class).inAnyNamespace().list().getItems().stream())
                .map(LeftoversRemoved::describe)
                .toList();
    }

    private static String describe(HasMetadata resource) {
        return resource.getKind() + " " + resource.getMetadata().getNamespace() + "/"
                + resource.getMetadata().getName() + " (finalizers "
                + resource.getMetadata().getFinalizers() + ")";
    }
}
