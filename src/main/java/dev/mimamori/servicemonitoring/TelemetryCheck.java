package dev.mimamori.servicemonitoring;

import dev.mimamori.render.TelemetryMetrics;

import dev.mimamori.config.Leadership;
import dev.mimamori.config.MimamoriConfig;
import dev.mimamori.datadog.DatadogApi;
import dev.mimamori.datadog.DatadogException;
import dev.mimamori.status.Reasons;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells whether Datadog receives the metrics each service's monitors and SLOs read: a monitor on a metric that never
 * arrives stays silent forever. Reconciles only register what they need to know; checks run in the background, many
 * services per request, and each service is asked about at most once per {@code telemetry-interval} (or when what
 * it needs changes).
 */
@ApplicationScoped
public class TelemetryCheck {
    private static final Logger LOG = Logger.getLogger(TelemetryCheck.class);
    /** Sub-queries per request: services are packed whole into requests of at most this many queries. */
    static final int QUERIES_PER_REQUEST = 50;
    static final Duration LOOKBACK = Duration.ofHours(1);
    /** Below 5 minutes including the tick, so a check Datadog did not answer is retried within 5 minutes. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(4);

    private final DatadogApi datadog;
    private final Leadership leadership;
    private final Clock clock;
    private final Duration interval;
    private final Duration batchDelay;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final ServiceMonitoringEvents wakeUps;
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
    public record Result(Instant checkedAt, List<String> missing, int checked, String problemReason,
            String problemMessage) {
        static final Result PENDING = new Result(null, List.of(), 0, null, null);

        public boolean pending() {
            return checkedAt == null && problemReason == null;
        }
    }

    /** {@code attemptedAt} is null until the first request for this probe. */
    private record Entry(Probe probe, Result result, Instant attemptedAt) {
    }

    public TelemetryCheck(DatadogApi datadog, Clock clock, MimamoriConfig config, Leadership leadership,
            ServiceMonitoringEvents wakeUps) {
        this.wakeUps = wakeUps;
        this.leadership = leadership;
        this.datadog = datadog;
        this.clock = clock;
        this.interval = config.telemetryInterval();
        this.batchDelay = config.telemetryBatchDelay();
    }

    void start(@Observes StartupEvent ignored) {
        task = BackgroundTask.every(batchDelay.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : batchDelay, "mimamori-telemetry-check", this::runQuietly);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (task != null) {
            task.close();
        }
    }

    /** The latest answer for the owner, registering (or replacing) what it needs; never calls Datadog. */
    public Result resultFor(String owner, Probe probe) {
        Entry entry = entries.compute(owner, (k, existing) -> existing != null && existing.probe().equals(probe)
                ? existing : new Entry(probe, Result.PENDING, null));
        return entry.result();
    }

    public void forget(String owner) {
        entries.remove(owner);
    }

    /** Checks every service that is due, packing them into as few requests as allowed; returns the owners whose answer changed. */
    public Set<String> run() {
        Instant now = clock.instant();
        // A snapshot: services registered or forgotten meanwhile are handled at the next run.
        Map<String, Entry> due = new TreeMap<>();
        entries.forEach((owner, entry) -> {
            if (isDue(entry, now)) {
                due.put(owner, entry);
            }
        });
        Set<String> changed = new HashSet<>();
        Map<String, Entry> batch = new TreeMap<>();
        int queries = 0;
        for (Map.Entry<String, Entry> next : due.entrySet()) {
            int size = next.getValue().probe().metrics().size();
            if (!batch.isEmpty() && queries + size > QUERIES_PER_REQUEST) {
                changed.addAll(check(batch, now));
                batch.clear();
                queries = 0;
            }
            batch.put(next.getKey(), next.getValue());
            queries += size;
        }
        if (!batch.isEmpty()) {
            changed.addAll(check(batch, now));
        }
        if (!changed.isEmpty()) {
            wakeUps.wake(changed);
        }
        return changed;
    }

    private boolean isDue(Entry entry, Instant now) {
        if (entry.attemptedAt() == null) {
            return true;
        }
        // A request Datadog did not answer is tried again sooner; an answer stands for the whole interval.
        Duration wait = entry.result().problemReason() == null ? interval
                : (interval.compareTo(RETRY_AFTER_FAILURE) < 0 ? interval : RETRY_AFTER_FAILURE);
        return !entry.attemptedAt().plus(wait).isAfter(now);
    }

    /** One request for these owners' metrics; on failure each keeps its last answer and records the problem. */
    private Set<String> check(Map<String, Entry> batch, Instant now) {
        List<String> queries = new ArrayList<>();
        for (Entry entry : batch.values()) {
            Probe probe = entry.probe();
            for (String metric : new TreeSet<>(probe.metrics())) {
                queries.add(TelemetryMetrics.presenceQuery(metric, probe.service(), probe.env()));
            }
        }
        List<Boolean> present = null;
        DatadogException failure = null;
        if (!queries.isEmpty()) {
            try {
                present = datadog.hasData(queries, now.minus(LOOKBACK), now);
            } catch (DatadogException e) {
                failure = e;
                LOG.warnf("telemetry check of %d services skipped: %s", batch.size(), e.getMessage());
            }
        }
        Set<String> changed = new HashSet<>();
        int index = 0;
        for (Map.Entry<String, Entry> checked : batch.entrySet()) {
            Entry before = checked.getValue();
            Probe probe = before.probe();
            List<String> metrics = new ArrayList<>(new TreeSet<>(probe.metrics()));
            Result result;
            if (failure != null) {
                Result previous = before.result();
                result = new Result(previous.checkedAt(), previous.missing(), previous.checked(), Reasons.of(failure),
                        failure.getMessage());
            } else {
                List<String> missing = new ArrayList<>();
                for (String metric : metrics) {
                    if (!Boolean.TRUE.equals(present.get(index++))) {
                        missing.add(metric);
                    }
                }
                result = new Result(now, missing, metrics.size(), null, null);
            }
            // Only if the service still asks the same question: a newer probe is answered by the next run.
            Entry after = entries.computeIfPresent(checked.getKey(), (owner, current) ->
                    current.probe().equals(probe) ? new Entry(probe, result, now) : current);
            if (after != null && after.result() == result && !sameAnswer(before.result(), result)) {
                changed.add(checked.getKey());
            }
        }
        return changed;
    }

    private static boolean sameAnswer(Result a, Result b) {
        return a.checkedAt() != null && b.checkedAt() != null && a.missing().equals(b.missing())
                && Objects.equals(a.problemReason(), b.problemReason());
    }

    private void runQuietly() {
        if (!leadership.isLeading()) {
            return;
        }
        try {
            run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "telemetry check failed");
        }
    }
}
