package dev.mimamori.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator (target/quarkus-app) running as its own process, as it would in a pod. It can be killed
 * (SIGKILL, as the kernel's OOM killer or a node failure would) and started again with the same settings, as the
 * kubelet restarts a container. The system property {@value #JAR_PROPERTY} points at another build, e.g. a copy of
 * target/quarkus-app that a concurrent rebuild cannot pull away.
 */
public final class OperatorProcess implements AutoCloseable {
    public static final String JAR_PROPERTY = "mimamori.operator.jar";
    private static final String DEFAULT_JAR = "target/quarkus-app/quarkus-run.jar";

    private final Path jar;
    private final Path kubeconfig;
    private final Map<String, String> environment;
    private final Path log;
    private final Thread reaper = new Thread(this::killQuietly, "operator-process-reaper");
    private volatile Process process;
    private volatile long logOffsetAtStart;
    private int starts;

    private OperatorProcess(Path jar, Path kubeconfig, Map<String, String> environment, Path log) {
        this.jar = jar;
        this.kubeconfig = kubeconfig;
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    /** The jar a new operator process runs. */
    public static Path jar() {
        return Path.of(System.getProperty(JAR_PROPERTY, DEFAULT_JAR));
    }

    public static OperatorProcess start(Path kubeconfig, Map<String, String> environment, Path log) throws IOException {
        Path jar = jar();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run `mvn package` first (make demo does)");
        }
        OperatorProcess operator = new OperatorProcess(jar, kubeconfig, environment, log);
        // A test JVM that dies (a timeout, Ctrl-C) must not leave an operator behind.
        Runtime.getRuntime().addShutdownHook(operator.reaper);
        operator.launch();
        return operator;
    }

    private synchronized void launch() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toString()));
        builder.environment().put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        // The runs use service names and handles freely, as one tenant: the default tenant policy is widened.
        builder.environment().put("MIMAMORI_TENANCY_DEFAULT_SERVICES", "*");
        builder.environment().put("MIMAMORI_TENANCY_DEFAULT_TEAMS", "*");
        builder.environment().put("MIMAMORI_TENANCY_DEFAULT_NOTIFY", "*");
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        if (starts == 0) {
            builder.redirectOutput(log.toFile());
            logOffsetAtStart = 0;
        } else {
            Files.writeString(
                    log,
                    "---- " + Instant.now() + ": started again (start " + (starts + 1) + ")\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.CREATE);
            logOffsetAtStart = Files.size(log);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        process = builder.start();
        starts++;
    }

    /** SIGKILL: no shutdown hook, no lease release, requests in flight cut off. Returns once the process is gone. */
    public void kill() {
        Process current = process;
        current.destroyForcibly();
        try {
            if (!current.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("operator process " + current.pid() + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the operator again with the same jar, kubeconfig and environment; its output goes on in the same log. */
    public void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("the operator is still running (pid " + process.pid() + ")");
        }
        launch();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** How many times a process was started (1 before any restart). */
    public synchronized int starts() {
        return starts;
    }

    public Path jarPath() {
        return jar;
    }

    public Path log() {
        return log;
    }

    /** Whether the current process (not an earlier one) has logged {@code text}. */
    public boolean hasLoggedSinceStart(String text) {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logOffsetAtStart, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the operator as Kubernetes would (SIGTERM), then waits for it. */
    @Override
    public void close() {
        Process current = process;
        current.destroy();
        try {
            if (!current.waitFor(Duration.ofSeconds(15).toMillis(), TimeUnit.MILLISECONDS)) {
                current.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            current.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: nothing left to undo
        }
    }

    private void killQuietly() {
        Process current = process;
        if (current != null && current.isAlive()) {
            current.destroyForcibly();
        }
    }
}
