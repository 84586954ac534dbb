package dev.mimamori.bench;

import com.sun.net.httpserver.HttpServer;
import dev.mimamori.rollout.ReducedStores;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * By hand: how much heap a ReplicaSet informer with the reduced store holds while it lists a cluster of realistic
 * ReplicaSets in pages. Two JVMs so that the API server's copy of the cluster is not counted:
 * {@code server <replicaSets> <port>} serves a list of that many; {@code informer <url> <handlerMicros>}
 * lists it with the operator's page size and a listener that takes the given time per add (as the operator's does),
 * sampling the live heap (after a full collection) and the notifications not yet handled. A handler time of some
 * hundred microseconds (a busy operator at start-up) shows the notification backlog the reduced stores keep small by
 * reducing each received object in place.
 */
public final class ListSpike {
    private static final int LIMIT = (int) ReducedStores.LIST_PAGE;

    private ListSpike() {}

    public static void main(String[] args) throws Exception {
        if ("server".equals(args[0])) {
            serve(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        } else {
            inform(args[1], Long.parseLong(args[2]));
        }
    }

    /**
     * Serves the list from pages rendered once, as fast as an API server answers from its watch cache (the mock
     * server renders the whole list for every page), and a watch that stays open with nothing to say.
     */
    private static void serve(int replicaSets, int port) throws Exception {
        KubernetesSerialization json = new KubernetesSerialization();
        int revisions = 4;
        List<byte[]> pages = new ArrayList<>();
        List<ReplicaSet> page = new ArrayList<>();
        for (int n = 0; n < replicaSets / revisions; n++) {
            String name = String.format("svc-%05d", n);
            for (int r = 1; r <= revisions; r++) {
                ReplicaSet rs = ClusterHistory.replicaSet(ScaleRun.namespace(n % 10), name, r, revisions, "uid-" + n);
                rs.getMetadata().setResourceVersion(String.valueOf(1000 + pages.size() * LIMIT + page.size()));
                rs.getMetadata().setUid("rs-uid-" + n + "-" + r);
                page.add(rs);
                if (page.size() == LIMIT) {
                    pages.add(render(json, page, pages.size(), replicaSets));
                    page.clear();
                }
            }
        }
        if (!page.isEmpty()) {
            pages.add(render(json, page, pages.size(), replicaSets));
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/apis/apps/v1/replicasets", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            System.out.println("GET " + exchange.getRequestURI());
            if (query != null && query.contains("watch=true")) {
                exchange.sendResponseHeaders(200, 0);
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            Matcher from = Pattern.compile("continue=(\\d+)").matcher(query == null ? "" : query);
            int index = from.find() ? Integer.parseInt(from.group(1)) : 0;
            byte[] body = pages.get(index);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.printf(
                "serving %d ReplicaSets in %d pages on http://127.0.0.1:%d/%n", replicaSets, pages.size(), port);
    }

    private static byte[] render(KubernetesSerialization json, List<ReplicaSet> items, int index, int total) {
        ReplicaSetList list = new ReplicaSetList();
        list.setItems(new ArrayList<>(items));
        list.setMetadata(new ListMeta());
        list.getMetadata().setResourceVersion("999999");
        if ((index + 1) * LIMIT < total) {
            list.getMetadata().setContinue(String.valueOf(index + 1));
        }
        return json.asJson(list).getBytes(StandardCharsets.UTF_8);
    }

    private static void inform(String url, long handlerMicros) throws Exception {
        // Run outside Quarkus, nothing configures logging: every record, fabric8's TRACE copy of each response body
        // included, would wait in Quarkus's start-up log buffer (~100 MB for 50 pages). The operator logs at INFO.
        org.jboss.logmanager.LogContext.getLogContext().getLogger("").setLevel(java.util.logging.Level.INFO);
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(url)
                .withTrustCerts(true)
                .withHttp2Disable(true)
                .withOauthToken("secret")
                .build();
        KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build();
        AtomicLong stored = new AtomicLong();
        AtomicLong handled = new AtomicLong();
        ReducedStores.ReplicaSets store = new ReducedStores.ReplicaSets() {
            @Override
            public ReplicaSet put(String key, ReplicaSet object) {
                stored.incrementAndGet();
                return super.put(key, object);
            }
        };
        Object lock = new Object();
        ResourceEventHandler<ReplicaSet> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                synchronized (lock) {
                    long until = System.nanoTime() + handlerMicros * 1000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }
                handled.incrementAndGet();
            }

            @Override
            public void onUpdate(ReplicaSet before, ReplicaSet after) {}

            @Override
            public void onDelete(ReplicaSet rs, boolean unknown) {}
        };
        long started = System.nanoTime();
        SharedIndexInformer<ReplicaSet> informer = client.apps()
                .replicaSets()
                .inAnyNamespace()
                .withLimit(ReducedStores.LIST_PAGE)
                .runnableInformer(0);
        informer.itemStore(store).addEventHandler(handler);
        informer.start();
        long peakLive = 0;
        long peakBacklog = 0;
        var memory = ManagementFactory.getMemoryMXBean();
        int quiet = 0;
        long last = -1;
        // The watch this server opens says nothing, so the list is over once the count stops moving.
        while (quiet < 8) {
            quiet = stored.get() > 0 && stored.get() == handled.get() && stored.get() == last ? quiet + 1 : 0;
            last = stored.get();
            System.gc();
            long live = memory.getHeapMemoryUsage().getUsed();
            long backlog = stored.get() - handled.get();
            peakLive = Math.max(peakLive, live);
            peakBacklog = Math.max(peakBacklog, backlog);
            System.out.printf(
                    "%5.1f s listed %6d handled %6d backlog %6d live heap %4d MB%n",
                    (System.nanoTime() - started) / 1e9, stored.get(), handled.get(), backlog, live >> 20);
            Thread.sleep(250);
        }
        System.gc();
        System.out.printf(
                "synced %d in %.1f s: peak live heap %d MB, peak backlog %d, after sync %d MB, VmHWM %s%n",
                store.size(),
                (System.nanoTime() - started) / 1e9,
                peakLive >> 20,
                peakBacklog,
                memory.getHeapMemoryUsage().getUsed() >> 20,
                Files.readAllLines(Path.of("/proc/self/status")).stream()
                        .filter(l -> l.startsWith("VmHWM"))
                        .findFirst()
                        .orElse("?"));
        String histogram = (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {null},
                        new String[] {String[].class.getName()});
        histogram.lines().limit(25).forEach(System.out::println);
        informer.stop();
        System.gc();
        System.out.printf(
                "after informer stop %d MB%n", memory.getHeapMemoryUsage().getUsed() >> 20);
        client.close();
        System.gc();
        System.out.printf(
                "after client close %d MB%n", memory.getHeapMemoryUsage().getUsed() >> 20);
        long maxString = store.values()
                .flatMap(rs -> java.util.stream.Stream.concat(
                        rs.getMetadata().getAnnotations() == null
                                ? java.util.stream.Stream.<String>empty()
                                : rs.getMetadata().getAnnotations().values().stream(),
                        rs.getMetadata().getOwnerReferences().stream()
                                .flatMap(o -> java.util.stream.Stream.of(
                                        o.getName(), o.getUid(), o.getKind(), o.getApiVersion()))))
                .mapToLong(String::length)
                .max()
                .orElse(0);
        System.out.println("longest kept string " + maxString);
        store.keySet().toList().forEach(store::remove);
        System.gc();
        System.out.printf(
                "after emptying the store %d MB%n", memory.getHeapMemoryUsage().getUsed() >> 20);
    }
}
