package dev.mimamori.servicemonitoring;

import dev.mimamori.config.Leadership;
import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.datadog.GroupedValue;
import dev.mimamori.render.ContentionMetrics;
import dev.mimamori.status.Reasons;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Tells each ServiceMonitoring whether the nodes its pods run on are under pressure from other workloads. Where the
 * pods run comes from Datadog (container CPU grouped by node and service), so the operator watches no pods. A round
 * costs two requests for the whole cluster, whatever the number of services: node CPU, steal and memory by node, and
 * container CPU and CPU stall by node and service. Rounds run every {@code contention.interval}, and as soon as a new
 * service is registered; each round answers every service, and only those whose answer changed are woken.
 */
@ApplicationScoped
public class ContentionCheck {
    private static final Logger LOG = Logger.getLogger(ContentionCheck.class);
    /** The span averaged: long enough to ride out one slow scrape, short enough to show a neighbour that came. */
    static final Duration WINDOW = Duration.ofMinutes(10);

    static final List<String> BY_NODE = List.of(ContentionMetrics.NODE_TAG);
    static final List<String> BY_NODE_AND_SERVICE = List.of(ContentionMetrics.NODE_TAG, ContentionMetrics.SERVICE_TAG);

    private final DatadogApi datadog;
    private final Clock clock;
    private final Duration interval;
    private final Duration tick;
    private final String scope;
    private final BooleanSupplier leading;
    private final Consumer<Set<String>> wake;
    private final Map<String, Scope> entries = new ConcurrentHashMap<>();
    private final Map<String, Result> results = new ConcurrentHashMap<>();
    private volatile Instant lastRound;
    private BackgroundTask task;

    record Scope(String service, String env) {}

    /**
     * The latest answer: a finding, or the reason Datadog could not be asked. {@code checkedAt} is null before the
     * first round; a failed round keeps the last finding.
     */
    public record Result(
            Instant checkedAt, NodeContention.Finding finding, String problemReason, String problemMessage) {
        static final Result PENDING = new Result(null, null, null, null);

        /** Not looked at yet, and no failed attempt either. */
        public boolean pending() {
            return checkedAt == null && finding == null && problemReason == null;
        }

        boolean sameAnswer(Result other) {
            return other != null
                    && Objects.equals(problemReason, other.problemReason)
                    && Objects.equals(
                            finding == null ? null : finding.state(),
                            other.finding == null ? null : other.finding.state())
                    && Objects.equals(
                            finding == null ? null : finding.message(),
                            other.finding == null ? null : other.finding.message());
        }
    }

    @jakarta.inject.Inject
    public ContentionCheck(
            DatadogApi datadog,
            Clock clock,
            MimamoriConfig config,
            Leadership leadership,
            ServiceMonitoringEvents wakeUps) {
        this(
                datadog,
                clock,
                config.contention().interval(),
                config.telemetryBatchDelay(),
                config.contention().scope(),
                leadership::isLeading,
                wakeUps::wake);
    }

    ContentionCheck(
            DatadogApi datadog,
            Clock clock,
            Duration interval,
            Duration tick,
            String scope,
            BooleanSupplier leading,
            Consumer<Set<String>> wake) {
        this.datadog = datadog;
        this.clock = clock;
        this.interval = interval;
        this.tick = tick.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : tick;
        this.scope = scope;
        this.leading = leading;
        this.wake = wake;
    }

    void start(@Observes StartupEvent ignored) {
        if (enabled()) {
            task = BackgroundTask.every(tick, "mimamori-contention-check", this::runQuietly);
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (task != null) {
            task.close();
        }
    }

    public boolean enabled() {
        return !interval.isZero() && !interval.isNegative();
    }

    /** The latest answer for the owner, registering its service; null when the check is off. Never calls Datadog. */
    public Result resultFor(String owner, String service, String env) {
        if (!enabled()) {
            return null;
        }
        Scope wanted = new Scope(service, env);
        if (!wanted.equals(entries.put(owner, wanted))) {
            results.remove(owner);
        }
        return results.getOrDefault(owner, Result.PENDING);
    }

    public void forget(String owner) {
        entries.remove(owner);
        results.remove(owner);
    }

    /** One round when one is due (a service never answered, or the last round an interval ago); the owners woken. */
    public synchronized Set<String> run() {
        Instant now = clock.instant();
        boolean someoneWaits = entries.keySet().stream().anyMatch(owner -> !results.containsKey(owner));
        boolean intervalPassed = lastRound == null || !lastRound.plus(interval).isAfter(now);
        if (entries.isEmpty() || !(someoneWaits || intervalPassed)) {
            return Set.of();
        }
        lastRound = now;
        Map<String, Scope> due = new TreeMap<>(entries);
        Set<String> envs = new TreeSet<>();
        due.values().forEach(s -> envs.add(s.env()));
        Map<String, Result> answers = new HashMap<>();
        try {
            Map<String, NodeContention.Readings> readings = read(envs, now);
            for (Map.Entry<String, Scope> e : due.entrySet()) {
                Scope s = e.getValue();
                answers.put(
                        e.getKey(),
                        new Result(now, NodeContention.assess(s.service(), readings.get(s.env())), null, null));
            }
        } catch (DatadogException failure) {
            LOG.warnf("contention check of %d services skipped: %s", due.size(), failure.getMessage());
            for (String owner : due.keySet()) {
                Result previous = results.getOrDefault(owner, Result.PENDING);
                answers.put(
                        owner,
                        new Result(
                                previous.checkedAt(), previous.finding(), Reasons.of(failure), failure.getMessage()));
            }
        }
        Set<String> changed = new HashSet<>();
        answers.forEach((owner, answer) -> {
            // A service whose spec changed meanwhile is answered by the next round.
            if (!due.get(owner).equals(entries.get(owner))) {
                return;
            }
            Result before = results.put(owner, answer);
            if (!answer.sameAnswer(before)) {
                changed.add(owner);
            }
        });
        if (!changed.isEmpty()) {
            wake.accept(changed);
        }
        return changed;
    }

    /** The queries of one round: the per-node request, then the per-node-and-service one. */
    List<List<String>> queries(Set<String> envs) {
        List<String> byNode = List.of(
                ContentionMetrics.perNode(ContentionMetrics.NODE_CPU_STOLEN, scope),
                ContentionMetrics.perNode(ContentionMetrics.NODE_CPU_IDLE, scope),
                ContentionMetrics.perNode(ContentionMetrics.NODE_MEMORY_USABLE, scope));
        List<String> byNodeAndService = new ArrayList<>();
        byNodeAndService.add(ContentionMetrics.cpuPerNodeAndService(scope));
        for (String env : envs) {
            byNodeAndService.add(ContentionMetrics.placement(env));
            byNodeAndService.add(ContentionMetrics.stallPerNodeAndService(env));
        }
        return List.of(byNode, byNodeAndService);
    }

    private Map<String, NodeContention.Readings> read(Set<String> envs, Instant now) {
        List<List<String>> queries = queries(envs);
        Instant from = now.minus(WINDOW);
        Map<String, List<GroupedValue>> nodes = datadog.groupedValues(queries.get(0), BY_NODE, from, now);
        Map<String, List<GroupedValue>> workloads =
                datadog.groupedValues(queries.get(1), BY_NODE_AND_SERVICE, from, now);
        Map<String, Double> stolen = byNode(nodes.get(queries.get(0).get(0)));
        Map<String, Double> idle = byNode(nodes.get(queries.get(0).get(1)));
        Map<String, Double> usable = byNode(nodes.get(queries.get(0).get(2)));
        Map<String, Map<String, Double>> cpu =
                byNodeAndService(workloads.get(queries.get(1).get(0)));
        Map<String, NodeContention.Readings> readings = new HashMap<>();
        for (String env : envs) {
            readings.put(
                    env,
                    new NodeContention.Readings(
                            stolen,
                            idle,
                            usable,
                            cpu,
                            byNodeAndService(workloads.get(ContentionMetrics.placement(env))),
                            byNodeAndService(workloads.get(ContentionMetrics.stallPerNodeAndService(env)))));
        }
        return readings;
    }

    private static Map<String, Double> byNode(List<GroupedValue> rows) {
        Map<String, Double> values = new TreeMap<>();
        for (GroupedValue row : rows == null ? List.<GroupedValue>of() : rows) {
            values.put(row.tags().get(ContentionMetrics.NODE_TAG), row.value());
        }
        return values;
    }

    private static Map<String, Map<String, Double>> byNodeAndService(List<GroupedValue> rows) {
        Map<String, Map<String, Double>> values = new TreeMap<>();
        for (GroupedValue row : rows == null ? List.<GroupedValue>of() : rows) {
            values.computeIfAbsent(row.tags().get(ContentionMetrics.NODE_TAG), n -> new TreeMap<>())
                    .merge(row.tags().get(ContentionMetrics.SERVICE_TAG), row.value(), Double::sum);
        }
        return values;
    }

    private void runQuietly() {
        if (!leading.getAsBoolean()) {
            return;
        }
        try {
            run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "contention check failed");
        }
    }
}
