package dev.mimamori.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Our cluster for tests and the demo: fabric8's mock API server in CRUD mode, with RFC 7386 merge patches and the
 * project's CRDs installed from crds/.
 */
public final class MockCluster implements AutoCloseable {
    /** The User-Agent of {@link #client()}, which tells the harness's requests from the operator's. */
    public static final String HARNESS_USER_AGENT = "mimamori-test-harness";

    private final KubernetesMockServer server;
    private final MergePatchingCrudDispatcher dispatcher;
    private final KubernetesClient client;

    private MockCluster(KubernetesMockServer server, MergePatchingCrudDispatcher dispatcher) {
        this.server = server;
        this.dispatcher = dispatcher;
        this.client = server.createClient(builder -> builder.withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(server.url("/"))
                .withTrustCerts(true)
                .withNamespace("test")
                .withHttp2Disable(true)
                .withOauthToken("secret")
                .withUserAgent(HARNESS_USER_AGENT)
                .build()));
    }

    public static MockCluster start() {
        return start(0);
    }

    public static MockCluster start(int port) {
        MockCluster cluster = withoutCrds(port);
        cluster.installCrds(Path.of("crds"));
        return cluster;
    }

    /** An API server with nothing in it yet, for a test that installs the CRDs the way a person does. */
    public static MockCluster withoutCrds() {
        return withoutCrds(0);
    }

    private static MockCluster withoutCrds(int port) {
        MergePatchingCrudDispatcher dispatcher = new MergePatchingCrudDispatcher();
        KubernetesMockServer server =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), port);
        return new MockCluster(server, dispatcher);
    }

    public void installCrds(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(
                            f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
                    .sorted()
                    .toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    CustomResourceDefinition crd =
                            client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
                    client.apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .resource(crd)
                            .createOr(existing -> existing.update());
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

    /**
     * Hands every request the API server receives (from the harness, {@link #HARNESS_USER_AGENT}, and from the
     * operator) to {@code listener}, on the server's threads, before it is served.
     */
    public void onRequest(Consumer<RecordedRequest> listener) {
        dispatcher.onRequest(listener);
    }

    /**
     * The next {@code times} writes (PATCH or PUT) of the status of this resource answer 409 Conflict, as when another
     * writer changed it first; 0 clears.
     */
    public void conflictOnStatusPatch(String namespace, String name, int times) {
        dispatcher.conflictOnStatusPatch(namespace, name, times);
    }

    /** A change to the Deployment namespace/name that lands just before the next JSON patch of it (see the dispatcher). */
    public void landBeforeNextDeploymentPatch(String namespace, String name, String jsonPatch) {
        dispatcher.landBeforeNextJsonPatch("/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name, jsonPatch);
    }

    /** The next JSON patch of the Deployment namespace/name is refused (403), as before a missing permission is fixed. */
    public void failNextDeploymentPatch(String namespace, String name) {
        landBeforeNextDeploymentPatch(namespace, name, MergePatchingCrudDispatcher.FAIL);
    }

    /** Conflicts from {@link #conflictOnStatusPatch} not answered yet. */
    public int pendingStatusConflicts() {
        return dispatcher.pendingStatusConflicts();
    }

    public List<String> crdNames() {
        return client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
                .map(c -> c.getMetadata().getName())
                .toList();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
