package dev.mimamori.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test during which an informer's event handler threw. fabric8 catches such an exception, logs it and drops
 * the event, so a handler that fails (a JOSDK mapper, or its logging of an object our reduced caches emptied) loses
 * events silently and a test only sees a timeout somewhere else. Registered for every test (junit-platform.properties
 * and META-INF/services).
 */
public class InformerHandlerFailures implements BeforeEachCallback, AfterEachCallback {
    /** The class that calls the handlers and logs what they throw. */
    static final String DISPATCHER = "io.fabric8.kubernetes.client.informers.impl.cache.SharedProcessor";

    /** Held: a logger nobody references may be collected and forget its handler. */
    private static final Logger LOGGER = Logger.getLogger(DISPATCHER);

    private static final Recorder RECORDER = new Recorder();

    @Override
    public void beforeEach(ExtensionContext context) {
        install();
        RECORDER.take();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> failures = RECORDER.take();
        if (!failures.isEmpty()) {
            throw new AssertionError(
                    failures.size() + " informer event handler(s) threw during this test; first: " + failures.get(0));
        }
    }

    /** Starts recording (idempotent: Quarkus configures logging when its application starts, after class loading). */
    static void install() {
        for (Handler handler : LOGGER.getHandlers()) {
            if (handler == RECORDER) {
                return;
            }
        }
        LOGGER.addHandler(RECORDER);
    }

    /** The failures recorded since the last call. */
    static List<String> take() {
        return RECORDER.take();
    }

    private static final class Recorder extends Handler {
        private final List<String> failures = new ArrayList<>();

        @Override
        public synchronized void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                Throwable thrown = record.getThrown();
                failures.add(record.getMessage() + (thrown == null ? "" : ": " + thrown));
            }
        }

        synchronized List<String> take() {
            List<String> taken = new ArrayList<>(failures);
            failures.clear();
            return taken;
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
