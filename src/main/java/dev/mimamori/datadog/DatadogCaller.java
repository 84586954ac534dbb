package dev.mimamori.datadog;

/**
 * The namespace on whose behalf the current thread calls Datadog, so that {@link RateLimitBudget} can share each
 * window fairly between namespaces. Reconcilers set it for the length of a reconcile; the operator's own rounds
 * (drift, telemetry) run without one and share as one more namespace.
 */
public final class DatadogCaller {
    /** What the operator's own work counts as: no namespace can be named like this. */
    public static final String OPERATOR = "";

    private static final ThreadLocal<String> NAMESPACE = new ThreadLocal<>();

    private DatadogCaller() {}

    /** Calls made on this thread until the scope closes are made for this namespace. */
    public static Scope actFor(String namespace) {
        String previous = NAMESPACE.get();
        NAMESPACE.set(namespace == null ? OPERATOR : namespace);
        return () -> {
            if (previous == null) {
                NAMESPACE.remove();
            } else {
                NAMESPACE.set(previous);
            }
        };
    }

    static String namespace() {
        String namespace = NAMESPACE.get();
        return namespace == null ? OPERATOR : namespace;
    }

    /** Ends {@link #actFor}; closing never fails. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
