package dev.mimamori.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

/**
 * Our cluster for tests and the demo: fabric8's mock API server in CRUD mode, with RFC 7386 merge patches and the
 * project's CRDs installed from crds/.
 */
public final class MockCluster implements AutoCloseable {
    private final KubernetesMockServer server;
    private final MergePatchingCrudDispatcher dispatcher;
    private final KubernetesClient client;

    private MockCluster(KubernetesMockServer server, MergePatchingCrudDispatcher dispatcher) {
        this.server = server;
        this.dispatcher = dispatcher;
        this.client = server.createClient();
    }

    public static MockCluster start() {
        return start(0);
    }

    public static MockCluster start(int port) {
        MergePatchingCrudDispatcher dispatcher = new MergePatchingCrudDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), port);
        MockCluster cluster = new MockCluster(server, dispatcher);
        cluster.installCrds(Path.of("crds"));
        return cluster;
    }

    public void installCrds(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
                    .sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(in,
                            CustomResourceDefinition.class);
                    client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(
                            existing -> existing.update());
                    dispatcher.discover(crd);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read CRDs from " + directory.toAbsolutePath(), e);
        }
    }

    public String url() {
        return client.getConfiguration().getMasterUrl();
    }

    public KubernetesClient client() {
        return client;
    }

    public List<String> crdNames() {
        return client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
                .map(c -> c.getMetadata().getName()).toList();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
