package dev.mimamori.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator (quarkus-run.jar) as its own process, started with the JVM options the benchmark is given and
 * settings in the environment, on a fixed HTTP port so that its Prometheus metrics can be read, and with its pid for
 * /proc.
 */
final class PackagedOperator implements AutoCloseable {
    /** USER_HZ, which Linux fixes at 100 on every architecture the benchmark runs on. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    private final Process process;
    private final int httpPort;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** A benchmark stopped early (Ctrl-C, a crash) must not leave an operator behind. */
    private final Thread reaper;

    private PackagedOperator(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
        this.reaper = new Thread(process::destroyForcibly, "bench-operator-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    static PackagedOperator start(
            Path jar, List<String> javaOptions, Path kubeconfig, Map<String, String> environment, Path log)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run `make build` first (make bench"
                    + " does), or point -Dbench.jar at a copy of target/quarkus-app/quarkus-run.jar");
        }
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        // The runs use service names and handles freely, as one tenant: the default tenant policy is widened.
        builder.environment().put("MIMAMORI_TENANCY_DEFAULT_SERVICES", "*");
        builder.environment().put("MIMAMORI_TENANCY_DEFAULT_TEAMS", "*");
        builder.environment().put("MIMAMORI_TENANCY_DEFAULT_NOTIFY", "*");
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return new PackagedOperator(builder.start(), port, log);
    }

    /** A kubeconfig for the embedded API server. */
    static Path writeKubeconfig(Path file, String serverUrl) throws IOException {
        String server = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mimamori-bench
                  cluster:
                    server: %s
                contexts:
                - name: mimamori-bench
                  context:
                    cluster: mimamori-bench
                    user: bench
                    namespace: default
                current-context: mimamori-bench
                users:
                - name: bench
                  user:
                    token: bench
                """.formatted(server));
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    int httpPort() {
        return httpPort;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or null while it runs. */
    Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** Waits until /q/health/ready answers 200; false when the time is up or the process ended. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (get("/q/health/ready") != null) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** The Prometheus text of /q/metrics, or null when it cannot be read. */
    String metrics() {
        return get("/q/metrics");
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A field of /proc/&lt;pid&gt;/status in KiB (VmHWM: peak resident set; VmRSS: now), or -1. */
    long procStatusKib(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(
                            line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** User plus system CPU seconds the process has used so far (from /proc/&lt;pid&gt;/stat), or NaN. */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14, 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    List<String> logLines() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            return List.of();
        }
    }

    String logTail(int lines) {
        List<String> all = logLines();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    Path log() {
        return log;
    }

    /** Stops the operator as Kubernetes would (SIGTERM), and kills it if it has not ended 15 s later. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
