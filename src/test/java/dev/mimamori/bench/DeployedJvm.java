package dev.mimamori.bench;

/**
 * The JVM options deploy/deployment.yaml gives the operator (JAVA_OPTS_APPEND), so that the benchmark measures the
 * process a pod runs; keep the two the same.
 */
final class DeployedJvm {
    /*
     * Chosen from the benchmark at 1,000 ServiceMonitorings in the realistic cluster: the serial collector needs no
     * G1 remembered sets (49 MiB at a 256 MiB heap); C1 alone used half the CPU of C1+C2 while converging and 9 MiB less
     * metaspace and 11 MiB less code cache; a 160 MiB heap ran out at a restart, when every informer lists its
     * resources in full at once, so the heap may grow to 224 MiB. It starts at 32 MiB and grows as needed: without
     * -Xms the JVM starts it at 1/64 of the machine's memory, all of a 224 MiB heap on a large node.
     */
    static final String OPTIONS =
            "-XX:+UseSerialGC -Xms32m -Xmx224m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m"
                    + " -XX:TieredStopAtLevel=1 -Xss512k";

    private DeployedJvm() {}
}
