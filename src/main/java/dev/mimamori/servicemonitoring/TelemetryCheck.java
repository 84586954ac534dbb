package dev.mimamori.servicemonitoring;

import dev.mimamori.config.Leadership;
import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogException;
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
 * Tells whether Datadog receives the metrics each service's monitors and SLOs read (a monitor on a metric that never
 * arrives stays silent forever), and which entry span operations each service emits. Reconciles only register what
 * they need to know; checks run in the background. A round costs one scalar query per distinct metric and env,
 * grouped by service, whatever the number of services, packed into requests of at most {@value #QUERIES_PER_REQUEST}
 * queries. A round runs when a service is due (new, changed, or answered a {@code telemetry-interval} ago) and
 * answers every service, so in steady state there is one round per interval.
 */
@ApplicationScoped
public class TelemetryCheck {
    private static final Logger LOG = Logger.getLogger(TelemetryCheck.class);
    /** Sub-queries per request. */
    static final int QUERIES_PER_REQUEST = 50;

    static final Duration LOOKBACK = Duration.ofHours(1);
    /** Below 5 minutes including the tick, so a check Datadog did not answer is retried within 5 minutes. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(4);

    static final String GROUP = "service";

    private final DatadogApi datadog;
    private final BooleanSupplier leading;
    private final Clock clock;
    private final Duration interval;
    private final Duration batchDelay;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** By service and env, the looked-for span operations that had data at the last check. */
    private final Map<Scope, Set<String>> operations = new ConcurrentHashMap<>();

    private final Consumer<Set<String>> wake;
    private BackgroundTask task;

    /** What one service needs: its identity and the metrics its monitors and SLOs read. */
    public record Probe(String service, String env, Set<String> metrics) {
        public Probe {
            metrics = Set.copyOf(metrics);
        }
    }

    /**
     * A check's answer: {@code missing} metrics had no data in the hour before {@code checkedAt}. {@code problem}
     * (a reason and message) is set when Datadog could not be asked; {@code checkedAt} is null before the first check.
     */
    public record Result(
            Instant checkedAt, List<String> missing, int checked, String problemReason, String problemMessage) {
        static final Result PENDING = new Result(null, List.of(), 0, null, null);

        public boolean pending() {
            return checkedAt == null && problemReason == null;
        }
    }

    private record Scope(String service, String env) {
        static Scope of(Probe probe) {
            return new Scope(probe.service(), probe.env());
        }
    }

    /** {@code attemptedAt} is null until the first request for this probe. */
    private record Entry(Probe probe, Result result, Instant attemptedAt) {}

    @jakarta.inject.Inject
    public TelemetryCheck(
            DatadogApi datadog,
            Clock clock,
            MimamoriConfig config,
            Leadership leadership,
            ServiceMonitoringEvents wakeUps) {
        this(
                datadog,
                clock,
                config.telemetryInterval(),
                config.telemetryBatchDelay(),
                leadership::isLeading,
                wakeUps::wake);
    }

    TelemetryCheck(
            DatadogApi datadog,
            Clock clock,
            Duration interval,
            Duration batchDelay,
            BooleanSupplier leading,
            Consumer<Set<String>> wake) {
        this.datadog = datadog;
        this.clock = clock;
        this.interval = interval;
        this.batchDelay = batchDelay;
        this.leading = leading;
        this.wake = wake;
    }

    void start(@Observes StartupEvent ignored) {
        task = BackgroundTask.every(
                batchDelay.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : batchDelay,
                "mimamori-telemetry-check",
                this::runQuietly);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (task != null) {
            task.close();
        }
    }

    /** The latest answer for the owner, registering (or replacing) what it needs; never calls Datadog. */
    public Result resultFor(String owner, Probe probe) {
        Entry entry = entries.compute(
                owner,
                (k, existing) -> existing != null && existing.probe().equals(probe)
                        ? existing
                        : new Entry(probe, Result.PENDING, null));
        return entry.result();
    }

    /** The looked-for span operations with data for this service at the last check; null before any check. */
    public Set<String> operationsOf(String service, String env) {
        return operations.get(new Scope(service, env));
    }

    /**
     * A deleted resource: its registration goes, and what was detected for its service unless another resource
     * monitors the same service and env.
     */
    public void forget(String owner) {
        Entry gone = entries.remove(owner);
        if (gone == null) {
            return;
        }
        Scope scope = Scope.of(gone.probe());
        if (entries.values().stream().noneMatch(e -> scope.equals(Scope.of(e.probe())))) {
            operations.remove(scope);
        }
    }

    /** When any service is due, checks all with one grouped query per metric and env; returns the owners woken. */
    public Set<String> run() {
        Instant now = clock.instant();
        if (entries.values().stream().noneMatch(entry -> isDue(entry, now))) {
            return Set.of();
        }
        // A round costs the same for one service as for all: every service is answered, so their answers age
        // together and the next round is due an interval later. Services registered meanwhile wait for the next.
        Map<String, Entry> due = new TreeMap<>(entries);
        Map<String, Set<String>> metricsByEnv = new TreeMap<>();
        for (Entry entry : due.values()) {
            metricsByEnv
                    .computeIfAbsent(entry.probe().env(), e -> new TreeSet<>())
                    .addAll(queriedMetrics(entry.probe().metrics()));
        }
        Map<String, Set<String>> reporting = new HashMap<>();
        DatadogException failure = null;
        List<String> batch = new ArrayList<>();
        try {
            for (Map.Entry<String, Set<String>> env : metricsByEnv.entrySet()) {
                for (String metric : env.getValue()) {
                    batch.add(presenceQuery(metric, env.getKey()));
                    if (batch.size() == QUERIES_PER_REQUEST) {
                        reporting.putAll(datadog.groupsWithData(batch, GROUP, now.minus(LOOKBACK), now));
                        batch.clear();
                    }
                }
            }
            if (!batch.isEmpty()) {
                reporting.putAll(datadog.groupsWithData(batch, GROUP, now.minus(LOOKBACK), now));
            }
        } catch (DatadogException e) {
            failure = e;
            LOG.warnf("telemetry check of %d services skipped: %s", due.size(), e.getMessage());
        }
        Set<String> changed = failure != null ? record(due, failure, now) : record(due, reporting, now);
        if (!changed.isEmpty()) {
            wake.accept(changed);
        }
        return changed;
    }

    /** The presence query of one metric in one env, a row per service: any value at all means data arrives. */
    static String presenceQuery(String metric, String env) {
        return "avg:" + metric + "{env:" + env + "} by {" + GROUP + "}";
    }

    /** Requests one round costs: one query per distinct metric and env, packed; independent of the services. */
    static int requestsPerRound(Set<String> metrics, int envs) {
        int queries = queriedMetrics(metrics).size() * envs;
        return (queries + QUERIES_PER_REQUEST - 1) / QUERIES_PER_REQUEST;
    }

    /** The metrics asked about in an env: those the services read, and the hits of every looked-for operation. */
    static Set<String> queriedMetrics(Set<String> metrics) {
        Set<String> all = new TreeSet<>(metrics);
        TraceOperations.LOOKED_FOR.forEach(op -> all.add(TraceOperations.hitsMetric(op)));
        return all;
    }

    private Set<String> record(Map<String, Entry> due, Map<String, Set<String>> reporting, Instant now) {
        Set<String> changed = new HashSet<>();
        Set<Scope> operationsChanged = new HashSet<>();
        for (Entry entry : due.values()) {
            Scope scope = new Scope(entry.probe().service(), entry.probe().env());
            Set<String> seen = new TreeSet<>();
            for (String op : TraceOperations.LOOKED_FOR) {
                if (reporting
                        .getOrDefault(presenceQuery(TraceOperations.hitsMetric(op), scope.env()), Set.of())
                        .contains(scope.service())) {
                    seen.add(op);
                }
            }
            Set<String> before = operations.put(scope, Set.copyOf(seen));
            if (!seen.equals(before)) {
                operationsChanged.add(scope);
            }
        }
        for (Map.Entry<String, Entry> checked : due.entrySet()) {
            Probe probe = checked.getValue().probe();
            List<String> missing = new ArrayList<>();
            for (String metric : new TreeSet<>(probe.metrics())) {
                if (!reporting
                        .getOrDefault(presenceQuery(metric, probe.env()), Set.of())
                        .contains(probe.service())) {
                    missing.add(metric);
                }
            }
            Result result = new Result(now, missing, probe.metrics().size(), null, null);
            if (store(checked.getKey(), checked.getValue(), result, now)
                    || operationsChanged.contains(new Scope(probe.service(), probe.env()))) {
                changed.add(checked.getKey());
            }
        }
        return changed;
    }

    /** Datadog did not answer: each keeps its last answer and records the problem. */
    private Set<String> record(Map<String, Entry> due, DatadogException failure, Instant now) {
        Set<String> changed = new HashSet<>();
        for (Map.Entry<String, Entry> checked : due.entrySet()) {
            Result previous = checked.getValue().result();
            Result result = new Result(
                    previous.checkedAt(),
                    previous.missing(),
                    previous.checked(),
                    Reasons.of(failure),
                    failure.getMessage());
            if (store(checked.getKey(), checked.getValue(), result, now)) {
                changed.add(checked.getKey());
            }
        }
        return changed;
    }

    /** Keeps the answer if the service still asks the same question; true when it tells something new. */
    private boolean store(String owner, Entry before, Result result, Instant now) {
        // A newer probe is answered by the next run.
        Entry after = entries.computeIfPresent(
                owner,
                (o, current) ->
                        current.probe().equals(before.probe()) ? new Entry(before.probe(), result, now) : current);
        return after != null && after.result() == result && !sameAnswer(before.result(), result);
    }

    private boolean isDue(Entry entry, Instant now) {
        if (entry.attemptedAt() == null) {
            return true;
        }
        // A request Datadog did not answer is tried again sooner; an answer stands for the whole interval.
        Duration wait = entry.result().problemReason() == null
                ? interval
                : (interval.compareTo(RETRY_AFTER_FAILURE) < 0 ? interval : RETRY_AFTER_FAILURE);
        return !entry.attemptedAt().plus(wait).isAfter(now);
    }

    private static boolean sameAnswer(Result a, Result b) {
        return a.checkedAt() != null
                && b.checkedAt() != null
                && a.missing().equals(b.missing())
                && Objects.equals(a.problemReason(), b.problemReason());
    }

    private void runQuietly() {
        if (!leading.getAsBoolean()) {
            return;
        }
        try {
            run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "telemetry check failed");
        }
    }
}
