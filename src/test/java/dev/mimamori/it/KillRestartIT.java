package dev.mimamori.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mimamori.api.Condition;
import dev.mimamori.api.DeletionPolicy;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.sim.CallLog;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.Kubeconfig;
import dev.mimamori.testing.MockCluster;
import dev.mimamori.testing.OperatorProcess;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator killed with SIGKILL at random moments while ServiceMonitorings are created, changed and
 * deleted, and restarted each time, as the kubelet restarts a killed container. After the last restart it must
 * converge: every remaining ServiceMonitoring has exactly its monitors and SLOs and is Ready, nothing is left in
 * Datadog for a deleted one, and the profile's dashboard exists once.
 *
 * <p>{@code -Dmimamori.kills=N} sets the number of kills (3 by default; {@code make reliability} runs 20), and
 * {@code -Dmimamori.seed=S} replays the random choices of an earlier run (the timing of the processes still varies).
 */
class KillRestartIT {
    static final Path WORK = Path.of("target/it/kill-restart");
    static final String CLUSTER = "kill-it";
    static final List<String> NAMESPACES = List.of("kr-a", "kr-b", "kr-c");
    static final Duration RESYNC = Duration.ofSeconds(3);
    static final Duration CONVERGENCE = Duration.ofSeconds(120);
    /** The built-in profile: seven single-signal monitors, three composites, two SLOs with two burn-rate alerts each. */
    static final int MONITORS = 14;

    static final int SLOS = 2;
    static final int MAX_LIVE = 8;
    /** JOSDK's line once a controller handles events (after leader election, when that is on). */
    static final String EVENT_PROCESSING_STARTED = "Started event processing for controller: servicemonitoring";

    static final String DASHBOARD_MARKER = "[mimamori cluster=" + CLUSTER + " profile=default]";

    @Test
    void convergesAfterEveryKill() throws Exception {
        Logger.getLogger("io.fabric8.mockwebserver").setLevel(Level.WARNING);
        int kills = Integer.getInteger("mimamori.kills", 3);
        long seed = Long.getLong("mimamori.seed", System.nanoTime());
        System.out.printf("KillRestartIT: %d kills, seed %d (replay with -Dmimamori.seed=%d)%n", kills, seed, seed);
        Random random = new Random(seed);
        Files.createDirectories(WORK);
        Instant began = Instant.now();
        try (MockCluster cluster = MockCluster.start();
                DatadogSimulator datadog = new DatadogSimulator()) {
            datadog.start();
            KubernetesClient k = cluster.client();
            NAMESPACES.forEach(ns -> Resources.namespace(k, ns));
            Resources.namespace(k, "mimamori-system");
            Path kubeconfig = Kubeconfig.write(WORK.resolve("kubeconfig"), cluster.url(), "mimamori-system");
            // One pod whose container is restarted: the same name, so the new process takes its own Lease back at
            // once instead of waiting for it to expire.
            Map<String, String> env = Map.of(
                    "MIMAMORI_DATADOG_URL",
                    datadog.url(),
                    "DD_API_KEY",
                    DatadogSimulator.DEFAULT_API_KEY,
                    "DD_APP_KEY",
                    DatadogSimulator.DEFAULT_APP_KEY,
                    "MIMAMORI_CLUSTER_NAME",
                    CLUSTER,
                    "MIMAMORI_RESYNC_INTERVAL",
                    RESYNC.toSeconds() + "s",
                    "MIMAMORI_FULL_RESYNC_INTERVAL",
                    RESYNC.toSeconds() + "s",
                    "MIMAMORI_TELEMETRY_BATCH_DELAY",
                    "1s",
                    "POD_NAME",
                    "mimamori-operator-0");
            Workload workload = new Workload(k, new Random(random.nextLong()));
            List<String> killedAt = new ArrayList<>();
            try (OperatorProcess operator = OperatorProcess.start(kubeconfig, env, WORK.resolve("operator.log"))) {
                Thread traffic = new Thread(workload, "workload");
                traffic.start();
                try {
                    for (int i = 1; i <= kills; i++) {
                        killedAt.add(killAtARandomMoment(operator, datadog, random, i));
                        Waits.sleep(Duration.ofMillis(random.nextInt(1_500)));
                        operator.restart();
                    }
                } finally {
                    workload.stop();
                    traffic.join();
                }
                // At least two services stay, so the shared dashboard must stay too.
                while (workload.live.size() < 2) {
                    workload.create();
                }
                Instant workloadDone = Instant.now();
                Waits.until(
                        operator,
                        CONVERGENCE,
                        () -> "convergence after the last restart:\n  "
                                + String.join("\n  ", problems(k, datadog, workload)),
                        () -> problems(k, datadog, workload).isEmpty());
                Duration converged = Duration.between(workloadDone, Instant.now());
                // Converged means stable: more resyncs change nothing, in the cluster or in Datadog.
                long idleFrom = datadog.callMark();
                int writes = datadog.writeCalls();
                Waits.sleep(RESYNC.multipliedBy(2).plusSeconds(1));
                assertThat(problems(k, datadog, workload))
                        .as("still converged two resyncs later")
                        .isEmpty();
                assertThat(datadog.writeCalls() - writes)
                        .as(() -> String.format(
                                "Datadog writes during two idle resyncs (seed %d):%n  %s",
                                seed, String.join("\n  ", writesSince(datadog, idleFrom))))
                        .isZero();
                assertThat(operator.starts()).isEqualTo(kills + 1);
                assertThat(operator.isAlive()).isTrue();

                System.out.printf(
                        "KillRestartIT: seed %d, %d kills (after %s; s: while starting, w: while working), "
                                + "%d creates, %d updates, %d deletes, %d ServiceMonitorings remain; converged %ds after the "
                                + "last restart; %d Datadog calls (%d writes): %s; took %ds%n",
                        seed,
                        kills,
                        killedAt,
                        workload.creates,
                        workload.updates,
                        workload.deletes,
                        workload.live.size(),
                        converged.toSeconds(),
                        datadog.totalCalls(),
                        datadog.writeCalls(),
                        new TreeMap<>(datadog.callCounts()),
                        Duration.between(began, Instant.now()).toSeconds());
            }
        }
    }

    /**
     * Kills the operator, half the time while it starts, half the time while it writes to Datadog (whatever the
     * machine's speed: a moment after its first write since it started, when more are likely in flight). Returns
     * how long it ran, and "s" (starting) or "w" (working).
     */
    private static String killAtARandomMoment(
            OperatorProcess operator, DatadogSimulator datadog, Random random, int number) {
        Instant started = Instant.now();
        int writesBefore = datadog.writeCalls();
        boolean whileWorking = random.nextBoolean();
        if (whileWorking) {
            Waits.until(
                    operator,
                    Duration.ofSeconds(90),
                    "the operator processing events",
                    () -> operator.hasLoggedSinceStart(EVENT_PROCESSING_STARTED));
            awaitQuietly(Duration.ofSeconds(20), () -> datadog.writeCalls() > writesBefore);
            Waits.sleep(Duration.ofMillis(random.nextInt(1_500)));
        } else {
            Waits.sleep(Duration.ofMillis(200 + random.nextInt(4_000)));
        }
        assertThat(operator.isAlive())
                .as("operator alive before kill %d; log ends with:%n%s", number, operator.logTail(40))
                .isTrue();
        operator.kill();
        return String.format(
                "%.1fs%s", Duration.between(started, Instant.now()).toMillis() / 1000.0, whileWorking ? "w" : "s");
    }

    /** The configuration writes Datadog answered since {@code from}, one line each, to say what an idle resync changed. */
    private static List<String> writesSince(DatadogSimulator datadog, long mark) {
        return datadog.requestsSince(mark).stream()
                .filter(call -> CallLog.isWrite(call.key()))
                .map(call -> call.status() + " " + call.method() + " " + call.path() + " " + call.body())
                .toList();
    }

    /** Waits for {@code condition} at most {@code timeout}, and goes on either way. */
    private static void awaitQuietly(Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean() && Instant.now().isBefore(deadline)) {
            Waits.sleep(Duration.ofMillis(20));
        }
    }

    /** What keeps the operator from having converged; empty once it has. */
    static List<String> problems(KubernetesClient k, DatadogSimulator datadog, Workload workload) {
        List<String> problems = new ArrayList<>();
        Map<String, ServiceMonitoring> inCluster = new TreeMap<>();
        for (String ns : NAMESPACES) {
            k.resources(ServiceMonitoring.class)
                    .inNamespace(ns)
                    .list()
                    .getItems()
                    .forEach(sm -> inCluster.put(sm.ownerKey(), sm));
        }
        Set<String> live = new TreeSet<>(workload.live.keySet());
        inCluster.keySet().stream()
                .filter(key -> !live.contains(key))
                .forEach(key -> problems.add(key + " was deleted but is still in the cluster (finalizer not removed)"));
        List<ObjectNode> monitors = datadog.monitorsTagged("managed-by:mimamori", "mimamori-cluster:" + CLUSTER);
        List<ObjectNode> slos = datadog.slos().stream()
                .filter(s -> tags(s).contains("mimamori-cluster:" + CLUSTER))
                .toList();
        for (String key : live) {
            ServiceMonitoring sm = inCluster.get(key);
            if (sm == null) {
                problems.add(key + " is missing from the cluster");
                continue;
            }
            Condition ready = Resources.ready(sm);
            if (ready == null || !"True".equals(ready.getStatus())) {
                problems.add(key + " not Ready: "
                        + (ready == null ? "no condition" : ready.getReason() + ": " + ready.getMessage()));
            }
            List<ObjectNode> own = ownedBy(monitors, key);
            Set<String> templates =
                    own.stream().map(m -> valueOf(m, "mimamori-monitor:")).collect(Collectors.toSet());
            if (own.size() != MONITORS || templates.size() != MONITORS) {
                problems.add(key + " has " + own.size() + " monitors for " + templates.size() + " templates, not "
                        + MONITORS);
            }
            String threshold = "> " + workload.live.get(key);
            own.stream()
                    .filter(m -> "latency-p95".equals(valueOf(m, "mimamori-monitor:")))
                    .filter(m -> !m.path("query").asText().endsWith(threshold))
                    .forEach(m -> problems.add(key + ": latency-p95 query "
                            + m.path("query").asText() + " does not end with " + threshold));
            List<ObjectNode> ownSlos = ownedBy(slos, key);
            Set<String> sloNames =
                    ownSlos.stream().map(s -> valueOf(s, "mimamori-slo:")).collect(Collectors.toSet());
            if (ownSlos.size() != SLOS || sloNames.size() != SLOS) {
                problems.add(key + " has " + ownSlos.size() + " SLOs for " + sloNames.size() + " names, not " + SLOS);
            }
        }
        Map<String, Long> orphans = new TreeMap<>();
        for (ObjectNode thing : concat(monitors, slos)) {
            String owner = valueOf(thing, "mimamori-owner:");
            if (owner == null || !live.contains(owner) && !inCluster.containsKey(owner)) {
                orphans.merge(String.valueOf(owner), 1L, Long::sum);
            }
        }
        orphans.forEach((owner, count) -> problems.add(count + " monitors/SLOs left behind for deleted " + owner));
        long dashboards = datadog.dashboards().stream()
                .filter(d -> d.path("description").asText().contains(DASHBOARD_MARKER))
                .count();
        if (!live.isEmpty() && dashboards != 1) {
            problems.add(dashboards + " dashboards for profile default, not 1");
        }
        return problems;
    }

    private static List<ObjectNode> concat(List<ObjectNode> a, List<ObjectNode> b) {
        List<ObjectNode> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<ObjectNode> ownedBy(List<ObjectNode> things, String owner) {
        return things.stream()
                .filter(t -> tags(t).contains("mimamori-owner:" + owner))
                .toList();
    }

    private static Set<String> tags(JsonNode thing) {
        Set<String> tags = new HashSet<>();
        thing.path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    /** The value of the first tag with this prefix ("key:"), or null. */
    private static String valueOf(JsonNode thing, String prefix) {
        return tags(thing).stream()
                .filter(t -> t.startsWith(prefix))
                .map(t -> t.substring(prefix.length()))
                .findFirst()
                .orElse(null);
    }

    /**
     * A team's traffic: ServiceMonitorings created (half with an explicit deletionPolicy Delete), their latency
     * threshold changed, and deleted, about one change a second, at most {@value #MAX_LIVE} at a time.
     */
    static final class Workload implements Runnable {
        private final KubernetesClient k;
        private final Random random;
        /** The ServiceMonitorings that should exist, by owner key, with their latencyP95Ms. */
        final Map<String, String> live = new LinkedHashMap<>();

        int creates;
        int updates;
        int deletes;
        private volatile boolean stopped;

        Workload(KubernetesClient k, Random random) {
            this.k = k;
            this.random = random;
        }

        @Override
        public void run() {
            while (!stopped) {
                int choice = random.nextInt(10);
                if (live.size() < 2 || live.size() < MAX_LIVE && choice < 5) {
                    create();
                } else if (choice < 8) {
                    delete();
                } else {
                    update();
                }
                Waits.sleep(Duration.ofMillis(300 + random.nextInt(900)));
            }
        }

        void stop() {
            stopped = true;
        }

        void create() {
            String namespace = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
            String name = "svc-" + ++creates;
            ServiceMonitoring sm = Resources.serviceMonitoring(namespace, name, name, "prod");
            if (random.nextBoolean()) {
                sm.getSpec().deletionPolicy = DeletionPolicy.Delete;
            }
            String latency = threshold();
            sm.getSpec().parameters = Map.of("latencyP95Ms", latency);
            k.resource(sm).create();
            live.put(namespace + "/" + name, latency);
        }

        private void update() {
            String key = pick();
            String latency = threshold();
            String[] nsName = key.split("/");
            // A merge patch without resourceVersion, as kubectl patch sends: the operator writes status meanwhile.
            k.resources(ServiceMonitoring.class)
                    .inNamespace(nsName[0])
                    .withName(nsName[1])
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"parameters\":{\"latencyP95Ms\":\"" + latency + "\"}}}");
            live.put(key, latency);
            updates++;
        }

        private void delete() {
            String key = pick();
            String[] nsName = key.split("/");
            k.resources(ServiceMonitoring.class)
                    .inNamespace(nsName[0])
                    .withName(nsName[1])
                    .delete();
            live.remove(key);
            deletes++;
        }

        private String pick() {
            List<String> keys = new ArrayList<>(live.keySet());
            return keys.get(random.nextInt(keys.size()));
        }

        private String threshold() {
            return String.valueOf(300 + 50 * random.nextInt(10));
        }
    }
}
