package dev.mimamori.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mimamori.api.MonitorTemplate;
import dev.mimamori.api.MonitorThresholds;
import dev.mimamori.api.ServiceMonitoring;
import dev.mimamori.sim.DatadogSimulator;
import dev.mimamori.testing.OperatorTestEnvironment;
import dev.mimamori.testing.Resources;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Datadog keys never reach the operator's log, Kubernetes events or a resource's status, on any error path:
 * refused keys, rate limits, server errors, unreadable answers, timeouts, rejected monitors, bad input, and a
 * deletion while Datadog is down.
 */
@QuarkusTest
@QuarkusTestResource(OperatorTestEnvironment.class)
class SecretLeakTest {
    static final String NAMESPACE = "leak";
    /** The keys the operator was given (test configuration). */
    static final List<String> KEYS = List.of(DatadogSimulator.DEFAULT_API_KEY, DatadogSimulator.DEFAULT_APP_KEY);

    static final LogCapture CAPTURE = new LogCapture();
    // Held, so the level set on it is not lost with a collected logger.
    static final Logger OPERATOR_LOGGER = Logger.getLogger("dev.mimamori");
    static Level operatorLevel;

    @Inject
    KubernetesClient client;

    DatadogSimulator datadog = OperatorTestEnvironment.datadog();
    ServiceMonitorings sms;
    /** Every status seen, degraded ones included, as JSON. */
    final List<String> statuses = new ArrayList<>();

    @BeforeAll
    static void captureEverythingLogged() {
        Logger.getLogger("").addHandler(CAPTURE);
        operatorLevel = OPERATOR_LOGGER.getLevel();
        OPERATOR_LOGGER.setLevel(Level.FINE); // the operator's debug lines too
    }

    @AfterAll
    static void stopCapturing() {
        Logger.getLogger("").removeHandler(CAPTURE);
        OPERATOR_LOGGER.setLevel(operatorLevel);
    }

    @BeforeEach
    void lookThroughTheOperatorsClient() {
        sms = new ServiceMonitorings(client, datadog);
    }

    @Test
    void noErrorPathPutsTheDatadogKeysInTheLogEventsOrStatus() {
        Resources.namespace(client, NAMESPACE);
        try {
            failingWhileCreated(
                    "forbidden", "DatadogForbidden", () -> datadog.setKeys("rotated-api-key", "rotated-app-key"));
            failingWhileCreated(
                    "unauthorized", "DatadogForbidden", () -> datadog.failNext(DatadogSimulator.CREATE_SLO, 5, 401));
            failingWhileCreated("throttled", "Queued", () -> datadog.rateLimitNext(DatadogSimulator.CREATE_SLO, 50, 1));
            failingWhileCreated(
                    "throttled-bare",
                    "Queued",
                    () -> datadog.rateLimitNextWithoutHeaders(DatadogSimulator.CREATE_SLO, 5));
            failingWhileCreated(
                    "unavailable", "DatadogUnavailable", () -> datadog.failNext(DatadogSimulator.CREATE_SLO, 5, 500));
            failingWhileCreated(
                    "malformed", "DatadogUnavailable", () -> datadog.malformedNext(DatadogSimulator.CREATE_SLO, 5));
            timingOutOnAnUpdate("slow");
            rejectedByDatadog("rejected");
            refusedForAnUnknownParameter("unknown-param");
            deletedWhileDatadogIsDown("doomed");
        } finally {
            heal();
        }
        for (ServiceMonitoring sm : client.resources(ServiceMonitoring.class)
                .inNamespace(NAMESPACE)
                .list()
                .getItems()) {
            statuses.add(Serialization.asJson(sm.getStatus()));
        }
        List<Event> events = client.v1().events().inNamespace(NAMESPACE).list().getItems();

        // The capture saw the error paths, so an empty result below means something.
        String log = String.join("\n", CAPTURE.texts());
        assertThat(log)
                .contains(
                        "leak/forbidden: DatadogForbidden",
                        "leak/unauthorized: DatadogForbidden",
                        "leak/throttled: Queued",
                        "leak/unavailable: DatadogUnavailable");
        assertThat(events)
                .extracting(Event::getReason)
                .contains("DatadogForbidden", "Queued", "DatadogUnavailable", "MonitorRejected", "UnknownParameter");
        assertThat(statuses).anySatisfy(s -> assertThat(s).contains("DatadogForbidden"));

        for (String key : KEYS) {
            assertThat(CAPTURE.texts())
                    .as("log records")
                    .noneSatisfy(text -> assertThat(text).contains(key));
            assertThat(events)
                    .as("events")
                    .noneSatisfy(e -> assertThat(Serialization.asJson(e)).contains(key));
            assertThat(statuses).as("statuses").noneSatisfy(s -> assertThat(s).contains(key));
        }
    }

    /** Applies a ServiceMonitoring while Datadog fails, keeps its degraded status, then heals and lets it recover. */
    void failingWhileCreated(String name, String reason, Runnable fault) {
        fault.run();
        client.resource(Resources.serviceMonitoring(NAMESPACE, name, name, "prod"))
                .create();
        sms.awaitNotReady(NAMESPACE, name, reason);
        // Waiting for a rate-limit window is told with a Normal event, every failure with a Warning.
        sms.awaitEvent(NAMESPACE, name, reason.equals("Queued") ? "Normal" : "Warning", reason);
        statuses.add(Serialization.asJson(sms.get(NAMESPACE, name).getStatus()));
        heal();
        sms.nudge(NAMESPACE, name);
        sms.awaitReady(NAMESPACE, name);
    }

    void timingOutOnAnUpdate(String name) {
        client.resource(Resources.serviceMonitoring(NAMESPACE, name, name, "prod"))
                .create();
        sms.awaitReady(NAMESPACE, name);
        datadog.setLatency(Duration.ofSeconds(3)); // above the operator's 2 s read timeout
        sms.editSpec(NAMESPACE, name, spec -> spec.parameters = Map.of("latencyP95Ms", "400"));
        sms.awaitNotReady(NAMESPACE, name, "DatadogUnavailable");
        statuses.add(Serialization.asJson(sms.get(NAMESPACE, name).getStatus()));
        heal();
        sms.nudge(NAMESPACE, name);
        sms.awaitReady(NAMESPACE, name);
    }

    void rejectedByDatadog(String name) {
        MonitorTemplate mismatch = new MonitorTemplate();
        mismatch.name = "queue-age";
        mismatch.type = "query alert";
        mismatch.query = "avg(last_5m):avg:queue.age{service:${service},env:${env}} > 5";
        mismatch.message = "{{#is_alert}}queue age is {{value}}{{/is_alert}}";
        mismatch.thresholds = new MonitorThresholds();
        mismatch.thresholds.critical = "99"; // Datadog refuses a threshold that differs from the query's
        ServiceMonitoring sm = Resources.serviceMonitoring(NAMESPACE, name, name, "prod");
        sm.getSpec().monitors = List.of(mismatch);
        client.resource(sm).create();
        assertThat(sms.awaitNotReady(NAMESPACE, name, "MonitorRejected").getMessage())
                .contains("queue-age");
        statuses.add(Serialization.asJson(sms.get(NAMESPACE, name).getStatus()));
    }

    void refusedForAnUnknownParameter(String name) {
        ServiceMonitoring sm = Resources.serviceMonitoring(NAMESPACE, name, name, "prod");
        sm.getSpec().parameters = Map.of("latencyP99Ms", "300");
        client.resource(sm).create();
        sms.awaitNotReady(NAMESPACE, name, "UnknownParameter");
        statuses.add(Serialization.asJson(sms.get(NAMESPACE, name).getStatus()));
    }

    void deletedWhileDatadogIsDown(String name) {
        client.resource(Resources.serviceMonitoring(NAMESPACE, name, name, "prod"))
                .create();
        sms.awaitReady(NAMESPACE, name);
        datadog.setOutage(true);
        client.resources(ServiceMonitoring.class)
                .inNamespace(NAMESPACE)
                .withName(name)
                .delete();
        sms.awaitWarning(NAMESPACE, name, "DatadogUnavailable");
        heal();
        if (sms.get(NAMESPACE, name) != null) {
            sms.nudge(NAMESPACE, name); // sooner than the operator's own retry
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> sms.get(NAMESPACE, name) == null);
    }

    void heal() {
        datadog.clearFaults();
        datadog.setKeys(DatadogSimulator.DEFAULT_API_KEY, DatadogSimulator.DEFAULT_APP_KEY);
    }

    /** Every record logged while the class runs: its message formatted, its parameters, and its whole throwable. */
    static final class LogCapture extends Handler {
        private static final Formatter MESSAGE_FORMAT = new SimpleFormatter();
        private final List<String> texts = Collections.synchronizedList(new ArrayList<>());

        LogCapture() {
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            StringBuilder text = new StringBuilder()
                    .append(record.getLevel())
                    .append(' ')
                    .append(record.getLoggerName())
                    .append(": ")
                    .append(formatted(record));
            if (record.getParameters() != null) {
                text.append(" ").append(Arrays.deepToString(record.getParameters()));
            }
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace)); // causes and suppressed included
                text.append('\n').append(trace);
            }
            texts.add(text.toString());
        }

        /** JBoss logging's printf style (infof) and java.util.logging's {0} style. */
        private static String formatted(LogRecord record) {
            String message = record.getMessage();
            Object[] parameters = record.getParameters();
            if (message == null || parameters == null || parameters.length == 0) {
                return String.valueOf(message);
            }
            if (message.contains("%")) {
                try {
                    return String.format(message, parameters);
                } catch (IllegalFormatException notPrintf) {
                    return message;
                }
            }
            return MESSAGE_FORMAT.formatMessage(record);
        }

        List<String> texts() {
            synchronized (texts) {
                return List.copyOf(texts);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
