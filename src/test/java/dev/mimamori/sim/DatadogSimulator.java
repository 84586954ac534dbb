package dev.mimamori.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import mockwebserver3.MockWebServer;

/**
 * A stateful stand-in for the Datadog HTTP API on loopback, for the real datadog-api-client to
 * talk to: v1 monitors, dashboards, SLOs and events, and v2 timeseries and scalar queries, with
 * Datadog's JSON shapes, status codes, API-key checks, rate-limit headers and injectable faults.
 *
 * <pre>{@code
 * try (DatadogSimulator sim = new DatadogSimulator().start()) {
 *     ApiClient client = new ApiClient();
 *     client.setServerIndex(null);
 *     client.setBasePath(sim.url());
 *     client.configureApiKeys(Map.of("apiKeyAuth", sim.apiKey(), "appKeyAuth", sim.appKey()));
 *     ...
 * }
 * }</pre>
 *
 * <p>Every public method is safe to call from any thread while requests are being served.
 */
public final class DatadogSimulator implements AutoCloseable {

    // Endpoint keys, as used by the call log, faults and rate limits.
    public static final String LIST_MONITORS = "GET /api/v1/monitor";
    public static final String CREATE_MONITOR = "POST /api/v1/monitor";
    public static final String GET_MONITOR = "GET /api/v1/monitor/{id}";
    public static final String UPDATE_MONITOR = "PUT /api/v1/monitor/{id}";
    public static final String DELETE_MONITOR = "DELETE /api/v1/monitor/{id}";
    public static final String VALIDATE_MONITOR = "POST /api/v1/monitor/validate";
    public static final String VALIDATE_EXISTING_MONITOR = "POST /api/v1/monitor/{id}/validate";
    public static final String CREATE_EVENT = "POST /api/v1/events";
    public static final String QUERY_TIMESERIES = "POST /api/v2/query/timeseries";
    public static final String QUERY_SCALAR = "POST /api/v2/query/scalar";
    public static final String LIST_DASHBOARDS = "GET /api/v1/dashboard";
    public static final String CREATE_DASHBOARD = "POST /api/v1/dashboard";
    public static final String GET_DASHBOARD = "GET /api/v1/dashboard/{id}";
    public static final String UPDATE_DASHBOARD = "PUT /api/v1/dashboard/{id}";
    public static final String DELETE_DASHBOARD = "DELETE /api/v1/dashboard/{id}";
    public static final String LIST_SLOS = "GET /api/v1/slo";
    public static final String CREATE_SLO = "POST /api/v1/slo";
    public static final String GET_SLO = "GET /api/v1/slo/{id}";
    public static final String UPDATE_SLO = "PUT /api/v1/slo/{id}";
    public static final String DELETE_SLO = "DELETE /api/v1/slo/{id}";
    public static final String SEARCH_AUDIT = "POST /api/v2/audit/events/search";
    /** Matches every endpoint in fault injection and {@link #setRateLimit}. */
    public static final String ANY = Faults.ANY;

    public static final String DEFAULT_API_KEY = "test-api-key";
    public static final String DEFAULT_APP_KEY = "test-app-key";

    /** The pair of keys requests must carry, swapped as one so no request sees half a change. */
    record Keys(String api, String app) {
        Keys {
            Objects.requireNonNull(api, "apiKey");
            Objects.requireNonNull(app, "appKey");
        }
    }

    private final Keys initialKeys;
    private volatile Keys keys;
    private volatile Clock clock = Clock.systemUTC();
    /**
     * Held shared by the dispatcher from the moment a request may change the state until it is logged, and
     * exclusively by the call-log readers: a change a test can see is always counted by the time it reads a count.
     */
    final ReentrantReadWriteLock answering = new ReentrantReadWriteLock();

    // Package-private: SimulatorDispatcher answers requests from this state. Burn-rate monitors
    // look SLOs up, and SLO deletes look for those monitors (see SimulatedSlos on lock order).
    final SimulatedMonitors monitors = new SimulatedMonitors(() -> clock.instant(), sloId -> this.slos.targets(sloId));
    final SimulatedDashboards dashboards = new SimulatedDashboards(() -> clock.instant());
    final SimulatedSlos slos = new SimulatedSlos(() -> clock.instant(), monitors, dashboards);
    final SimulatedEvents events = new SimulatedEvents();
    final SimulatedAuditTrail audit = new SimulatedAuditTrail(() -> clock.instant());
    final SimulatedMetrics metrics = new SimulatedMetrics();
    final SimulatedNodes nodes = new SimulatedNodes();
    final SimulatedTelemetry telemetry = new SimulatedTelemetry(metrics, nodes, this::servicesOfMonitors);
    final Faults faults = new Faults();
    final RateLimits rateLimits = new RateLimits(System::nanoTime);
    final CallLog callLog = new CallLog();

    private MockWebServer server;
    private Thread requestDrain;

    /** A simulator expecting the keys {@value #DEFAULT_API_KEY} / {@value #DEFAULT_APP_KEY}. */
    public DatadogSimulator() {
        this(DEFAULT_API_KEY, DEFAULT_APP_KEY);
    }

    public DatadogSimulator(String apiKey, String appKey) {
        this.initialKeys = new Keys(apiKey, appKey);
        this.keys = initialKeys;
        monitors.useSloUsers(slos::usingMonitor);
    }

    // ---- lifecycle -------------------------------------------------------------------------

    /** Starts on a free port of 127.0.0.1. */
    public DatadogSimulator start() {
        return start(0);
    }

    /** Starts on the given port of 127.0.0.1 (0 picks a free one). */
    public synchronized DatadogSimulator start(int port) {
        if (server != null) {
            throw new IllegalStateException("already started at " + url());
        }
        MockWebServer s = new MockWebServer();
        s.setServerSocketFactory(new NoDelayServerSocketFactory());
        s.setDispatcher(new SimulatorDispatcher(this));
        try {
            s.start(InetAddress.getByName("127.0.0.1"), port);
        } catch (IOException e) {
            s.close();
            throw new UncheckedIOException("cannot start the Datadog simulator on port " + port, e);
        }
        server = s;
        requestDrain = drain(s);
        return this;
    }

    /**
     * mockwebserver keeps every request it received, body included, for takeRequest(); the call log already keeps
     * what tests read, so this thread throws them away. Without it a long benchmark run fills the heap.
     */
    private static Thread drain(MockWebServer s) {
        Thread t = new Thread(
                () -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            s.takeRequest();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "datadog-simulator-request-drain");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Base URL without trailing slash, e.g. {@code http://127.0.0.1:41234}. */
    public synchronized String url() {
        return "http://127.0.0.1:" + port();
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            requestDrain.interrupt();
            server.close();
            server = null;
        }
    }

    // ---- credentials -----------------------------------------------------------------------

    public String apiKey() {
        return keys.api();
    }

    public String appKey() {
        return keys.app();
    }

    Keys keys() {
        return keys;
    }

    /** Changes the keys requests must carry; calls with other keys answer 403. */
    public void setKeys(String apiKey, String appKey) {
        this.keys = new Keys(apiKey, appKey);
    }

    /** Makes every later call answer 403, as after the keys were revoked in Datadog. */
    public void revokeKeys() {
        setKeys("revoked-" + UUID.randomUUID(), "revoked-" + UUID.randomUUID());
    }

    // ---- time and metrics ------------------------------------------------------------------

    /** Clock for created/modified stamps, event dates and which metric buckets exist. */
    public void setClock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Scripts the series of queries whose {...} scope holds {@code version:<versionTag>}. The
     * function gets each bucket's start (epoch ms); null or NaN means no point in that bucket.
     *
     * @param versionTag the version, with or without the {@code version:} prefix
     */
    public void scriptMetric(String versionTag, LongFunction<Double> valueAtBucketStartMs) {
        metrics.script(versionTag, valueAtBucketStartMs);
    }

    /**
     * Scripts every query without a matching version script: the function gets the query text
     * and the bucket start (epoch ms). Null as the script removes it.
     */
    public void scriptMetrics(BiFunction<String, Long, Double> valueOfQueryAtBucketStartMs) {
        metrics.script(valueOfQueryAtBucketStartMs);
    }

    /**
     * Makes metrics absent from scalar queries whose {...} scope holds both
     * {@code service:<service>} and {@code env:<env>}, as when a service stops reporting: every
     * metric whose name starts with one of the prefixes (every metric when none are given).
     * Calls add up; e.g. {@code silenceMetrics("checkout", "prod", "trace.")}.
     */
    public void silenceMetrics(String service, String env, String... metricPrefixes) {
        telemetry.silence(
                Objects.requireNonNull(service, "service"), Objects.requireNonNull(env, "env"), metricPrefixes);
    }

    /**
     * The service emits spans of these operations only (e.g. {@code servlet.request} for a Java
     * servlet app), so only their {@code trace.<operation>...} metrics have data; by default a
     * service emits {@code http.request}.
     */
    public void emitTraceOperations(String service, String env, String... operations) {
        telemetry.emitOperations(
                Objects.requireNonNull(service, "service"), Objects.requireNonNull(env, "env"), operations);
    }

    /** The service and env tag pairs of the monitors held: the services that report data by default. */
    private java.util.Set<String[]> servicesOfMonitors() {
        java.util.Set<String[]> pairs = new java.util.LinkedHashSet<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ObjectNode monitor : monitors()) {
            String service = null;
            String env = null;
            for (com.fasterxml.jackson.databind.JsonNode tag : monitor.path("tags")) {
                String t = tag.asText();
                if (t.startsWith("service:")) {
                    service = t.substring("service:".length());
                } else if (t.startsWith("env:")) {
                    env = t.substring("env:".length());
                }
            }
            if (service != null && env != null && seen.add(service + "\n" + env)) {
                pairs.add(new String[] {service, env});
            }
        }
        return pairs;
    }

    /**
     * A node of the scripted cluster: its CPUs, the share the hypervisor steals (percent) and the usable share of its
     * memory (0 to 1). Node and container metrics ({@code system.cpu.*}, {@code system.mem.pct_usable},
     * {@code container.cpu.usage}, {@code container.cpu.partial_stall}) then answer grouped scalar queries such as
     * {@code avg:system.cpu.idle{*} by {host}}.
     */
    public void scriptNode(String node, double cpus, double stolenPercent, double memoryUsableFraction) {
        nodes.node(node, cpus, stolenPercent, memoryUsableFraction);
    }

    /**
     * A container on a scripted node asking for {@code cores} of CPU, tagged with the service and env of unified
     * service tagging (null for a workload without them). A node whose containers ask for more than it has shares it
     * out, and each container waits for a CPU the rest of the time.
     */
    public void scriptContainer(String node, String container, String service, String env, double cores) {
        nodes.container(node, container, service, env, cores);
    }

    /**
     * The scripted neighbour: a batch job without service tags that asks for {@code cores} of CPU on the node, as a
     * large data job landing next to a service does.
     */
    public void startBatchJob(String node, String job, double cores) {
        nodes.container(node, job, null, null, cores);
    }

    /**
     * A container that starts at {@code since}, for a neighbour arriving during a release: grouped queries over a range
     * before it do not see it, and a range across it sees its CPU averaged over the range.
     */
    public void scriptContainer(
            String node, String container, String service, String env, double cores, Instant since) {
        nodes.container(node, container, service, env, cores, since.toEpochMilli());
    }

    /** The container (or batch job) is gone from its node. */
    public void stopContainer(String container) {
        nodes.remove(container);
    }

    /** No scripted node or container any more. */
    public void clearNodes() {
        nodes.clear();
    }

    /** Data for this service and env arrives again. */
    public void unsilenceMetrics(String service, String env) {
        telemetry.unsilence(service, env);
    }

    /** Every metric has data again. */
    public void clearSilences() {
        telemetry.clear();
    }

    /** Buckets starting later than now minus this are not answered yet, like late data. */
    public void setDataLatency(Duration latency) {
        metrics.setDataLatency(latency);
    }

    /**
     * Multiplies the newest answered bucket by this factor, as a rollup still filling up
     * would read. 1.0 (the default) turns it off.
     */
    public void setIncompleteLastBucketFactor(double factor) {
        metrics.setIncompleteLastBucketFactor(factor);
    }

    // ---- rate limits and faults ------------------------------------------------------------

    /**
     * Limit for one endpoint key, or for all keys without their own limit with "*". Keys that share a limit name
     * (the two monitor validations, or keys joined by {@link #setSharedRateLimit}) share this limit and its window.
     * Windows are aligned to the clock, as Datadog's are.
     */
    public void setRateLimit(String endpointKey, int limit, int periodSeconds) {
        rateLimits.set(endpointKey, limit, periodSeconds);
    }

    /**
     * One limit for several endpoints together, answered with {@code X-RateLimit-Name: name}, as Datadog does for
     * endpoints that share a limit; e.g. every monitor write:
     * {@code setSharedRateLimit("monitor_write", 100, 10, CREATE_MONITOR, UPDATE_MONITOR, DELETE_MONITOR)}.
     */
    public void setSharedRateLimit(String name, int limit, int periodSeconds, String... endpointKeys) {
        rateLimits.setShared(name, limit, periodSeconds, endpointKeys);
    }

    /** The next {@code times} calls to the endpoint answer {@code status} with a JSON error. */
    public void failNext(String endpointKey, int times, int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        faults.add(endpointKey, times, new Faults.Fault(Faults.Kind.FAIL, status, 0));
    }

    /** The next {@code times} calls answer 429 with remaining 0 and the given reset. */
    public void rateLimitNext(String endpointKey, int times, int resetSeconds) {
        if (resetSeconds < 0) {
            throw new IllegalArgumentException("reset must not be negative: " + resetSeconds);
        }
        faults.add(endpointKey, times, new Faults.Fault(Faults.Kind.RATE_LIMIT, 429, resetSeconds));
    }

    /**
     * The next {@code times} calls answer 429 without any {@code x-ratelimit-*} header, as a proxy
     * or gateway in front of Datadog may: the caller learns neither the limit nor the reset.
     */
    public void rateLimitNextWithoutHeaders(String endpointKey, int times) {
        faults.add(endpointKey, times, new Faults.Fault(Faults.Kind.RATE_LIMIT_WITHOUT_HEADERS, 429, 0));
    }

    /** The next {@code times} calls answer 200 with a truncated, unparseable JSON body. */
    public void malformedNext(String endpointKey, int times) {
        faults.add(endpointKey, times, new Faults.Fault(Faults.Kind.MALFORMED, 200, 0));
    }

    /** Delays every answer's headers by this much (use it to trip client read timeouts). */
    public void setLatency(Duration latency) {
        faults.setLatency(Objects.requireNonNull(latency, "latency"));
    }

    /** While on, every call answers 503. */
    public void setOutage(boolean outage) {
        faults.setOutage(outage);
    }

    /**
     * Sleeps until the key's limit opens a new window, so that a test's calls all fall in one window: the
     * simulator's windows, like Datadog's, are fixed slots of the clock, not counted from a test's first call.
     */
    public void awaitNextWindow(String endpointKey) throws InterruptedException {
        long nanos = rateLimits.nanosLeftInWindow(endpointKey);
        Thread.sleep(nanos / 1_000_000 + 1);
    }

    /**
     * Like {@link #awaitNextWindow}, but sleeps only when less than {@code room} is left of the current window: for a
     * test whose few calls must meet in one window of a long limit (two calls straddling a minute's end otherwise
     * find the second one allowed).
     */
    public void awaitRoomInWindow(String endpointKey, Duration room) throws InterruptedException {
        if (rateLimits.nanosLeftInWindow(endpointKey) < room.toNanos()) {
            awaitNextWindow(endpointKey);
        }
    }

    /** Drops queued faults, ends an outage and removes the latency. */
    public void clearFaults() {
        faults.clear();
    }

    /** Injected faults not yet consumed. */
    public int pendingFaults() {
        return faults.pendingCount();
    }

    // ---- call log --------------------------------------------------------------------------

    public int calls(String endpointKey) {
        return settled(() -> callLog.calls(endpointKey));
    }

    public int totalCalls() {
        return settled(callLog::totalCalls);
    }

    /** Creates, updates and deletes of monitors, dashboards and SLOs (validation excluded). */
    public int writeCalls() {
        return settled(callLog::writeCalls);
    }

    /** Lists of monitors, dashboards and SLOs. */
    public int listCalls() {
        return settled(callLog::listCalls);
    }

    /** Counts by endpoint key. */
    public Map<String, Integer> callCounts() {
        return settled(callLog::counts);
    }

    /** The most recent requests, oldest first, without any credentials. */
    public List<CallLog.Call> requests() {
        return settled(callLog::requests);
    }

    /** A point in the call log, for {@link #requestsSince}. */
    public long callMark() {
        return settled(callLog::mark);
    }

    /** The requests answered after the mark, oldest first; refused when the log no longer holds all of them. */
    public List<CallLog.Call> requestsSince(long mark) {
        return settled(() -> callLog.requestsSince(mark));
    }

    /**
     * Reads the call log once no request is between changing the simulated organisation and being logged. A call
     * changes the state before it is logged (the log keeps the status it was answered), so without this a test could
     * see a new dashboard, take the write count, and then find that dashboard's POST counted later, as if it had
     * come after (KillRestartIT's "no writes while idle" failed so). A hook that runs inside an answer may read the
     * log on its own thread, never hand the read to another thread and wait for it: that would wait for itself.
     */
    private <T> T settled(Supplier<T> read) {
        if (answering.getReadHoldCount() > 0) {
            return read.get(); // asked from inside an answer (a test's hook): waiting would wait for itself
        }
        answering.writeLock().lock();
        try {
            return read.get();
        } finally {
            answering.writeLock().unlock();
        }
    }

    /**
     * Calls over their rate limit since the last {@link #resetCounts}, by endpoint key. They are answered 429 unless
     * an outage, an injected fault or a wrong key answered first.
     */
    public Map<String, Integer> rateLimitedCounts() {
        return rateLimits.refusals();
    }

    /** All calls over their rate limit since the last {@link #resetCounts}. */
    public int rateLimitedCalls() {
        return rateLimits.refusals().values().stream()
                .mapToInt(Integer::intValue)
                .sum();
    }

    /** Zeroes the call counts and the rate-limited counts (the windows themselves go on). */
    public void resetCounts() {
        settled(() -> {
            callLog.reset();
            rateLimits.resetRefusals();
            return null;
        });
    }

    // ---- the "Datadog UI" ------------------------------------------------------------------

    /** Copies of all monitors, by id. */
    public List<ObjectNode> monitors() {
        return monitors.snapshot();
    }

    /** Copy of one monitor, or null when there is none with this id. */
    public ObjectNode monitor(long id) {
        return monitors.find(id);
    }

    /** Copies of the monitors carrying all these tags. */
    public List<ObjectNode> monitorsTagged(String... tags) {
        return monitors.tagged(tags);
    }

    /**
     * Edits a monitor as a user would in the Datadog UI: no validation, "modified" moves on.
     *
     * @return copy of the edited monitor
     * @throws IllegalArgumentException when there is no such monitor
     */
    public ObjectNode editMonitor(long id, Consumer<ObjectNode> edit) {
        try {
            ObjectNode edited = monitors.edit(id, edit);
            audit.record("monitor", String.valueOf(id), "modified");
            return edited;
        } catch (ApiError e) {
            throw new IllegalArgumentException("no monitor " + id, e);
        }
    }

    /** Deletes a monitor behind the operator's back; returns whether it existed. */
    public boolean deleteMonitor(long id) {
        boolean existed = monitors.remove(id);
        if (existed) {
            audit.record("monitor", String.valueOf(id), "deleted");
        }
        return existed;
    }

    /**
     * Seeds a monitor that already exists in Datadog (for example one the operator does not
     * manage). Missing read-only fields and option defaults are filled in.
     *
     * @return its id: the "id" field when given, otherwise a new one
     */
    public long putMonitor(ObjectNode monitor) {
        return monitors.put(monitor);
    }

    /** Creates a dashboard as a person would in the UI (checked like an API request); returns its id. */
    public String putDashboard(ObjectNode body) {
        return dashboards.create(body).path("id").asText();
    }

    /** Copies of all dashboards, in creation order. */
    public List<ObjectNode> dashboards() {
        return dashboards.snapshot();
    }

    /** Copy of one dashboard, or null when there is none with this id. */
    public ObjectNode dashboard(String id) {
        return dashboards.find(id);
    }

    /**
     * Edits a dashboard as a user would in the Datadog UI: no validation, new widgets get ids,
     * the URL follows the title, "modified_at" moves on.
     *
     * @return copy of the edited dashboard
     * @throws IllegalArgumentException when there is no such dashboard
     */
    public ObjectNode editDashboard(String id, Consumer<ObjectNode> edit) {
        try {
            ObjectNode edited = dashboards.edit(id, edit);
            audit.record("dashboard", id, "modified");
            return edited;
        } catch (ApiError e) {
            throw new IllegalArgumentException("no dashboard " + id, e);
        }
    }

    /** Deletes a dashboard behind the operator's back; returns whether it existed. */
    public boolean deleteDashboard(String id) {
        boolean existed = dashboards.remove(id);
        if (existed) {
            audit.record("dashboard", id, "deleted");
        }
        return existed;
    }

    /** Copies of all SLOs, in creation order. */
    public List<ObjectNode> slos() {
        return slos.snapshot();
    }

    /** Copy of one SLO, or null when there is none with this id. */
    public ObjectNode slo(String id) {
        return slos.find(id);
    }

    /**
     * Edits an SLO as a user would in the Datadog UI: no validation, derived display fields
     * follow, "modified_at" moves on.
     *
     * @return copy of the edited SLO
     * @throws IllegalArgumentException when there is no such SLO
     */
    public ObjectNode editSlo(String id, Consumer<ObjectNode> edit) {
        try {
            ObjectNode edited = slos.edit(id, edit);
            audit.record("slo", id, "modified");
            return edited;
        } catch (ApiError e) {
            throw new IllegalArgumentException("no SLO " + id, e);
        }
    }

    /**
     * Deletes an SLO behind the operator's back, even while monitors or dashboards use it;
     * returns whether it existed.
     */
    public boolean deleteSlo(String id) {
        boolean existed = slos.remove(id);
        if (existed) {
            audit.record("slo", id, "deleted");
        }
        return existed;
    }

    /** Copies of the events posted so far. */
    /**
     * Puts a restriction policy on an SLO that the operator's key has no role in, as a team could in Datadog: reads
     * still work, updates and deletes answer 403.
     */
    public void restrictSlo(String id) {
        slos.restrict(id, true);
    }

    /** Lifts the restriction policy {@link #restrictSlo} put on an SLO. */
    public void unrestrictSlo(String id) {
        slos.restrict(id, false);
    }

    /**
     * Turns the organisation's Audit Trail on or off (on by default); off, its search answers 403 as it does for a
     * key without {@code audit_logs_read}.
     */
    public void setAuditTrail(boolean enabled) {
        audit.setEnabled(enabled);
    }

    public List<ObjectNode> events() {
        return events.snapshot();
    }

    /**
     * Back to the state right after construction: no monitors, dashboards, SLOs, events, calls,
     * faults, rate-limit settings, metric scripts or silences; original keys; system clock. Ids
     * are not reused.
     */
    public void clear() {
        slos.clear();
        dashboards.clear();
        monitors.clear();
        events.clear();
        audit.clear();
        telemetry.clear();
        nodes.clear();
        callLog.reset();
        faults.clear();
        rateLimits.clear();
        metrics.clear();
        keys = initialKeys;
        clock = Clock.systemUTC();
    }

    @Override
    public String toString() {
        MockWebServer s;
        synchronized (this) {
            s = server;
        }
        return "DatadogSimulator[" + (s == null ? "stopped" : "http://127.0.0.1:" + s.getPort()) + "]";
    }
}
