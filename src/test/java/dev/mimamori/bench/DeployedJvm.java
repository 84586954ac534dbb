package dev.mimamori.bench;

/**
 * The JVM options deploy/deployment.yaml gives the operator (JAVA_OPTS_APPEND), so that the benchmark measures the
 * process a pod runs; keep the two the same.
 */
final class DeployedJvm {
    /*
     * Chosen from the benchmark at 1,000 ServiceMonitorings in the realistic cluster: the serial collector needs no
     * G1 remembered sets (49 MiB at a 256 MiB heap); C1 alone used half the CPU of C1+C2 while converging and 9 MiB less
     * metaspace and 11 MiB less code cache. The heap starts at 32 MiB and, with the free ratios, is kept within about
     * a quarter above the live data after each full collection instead of growing to its cap while garbage piles up
     * (the peak heap was 2.7 times the live data at 1,000 with the defaults); the cap is room for 5,000 services.
     * The young generation is capped at 16 MiB: the serial collector sizes it at a third of the heap, 59 MB committed
     * at 5,000 services, and a young collection of a few milliseconds more often costs less than that much memory
     * (at 5,000 services in the realistic cluster the peak fell from 373 to 328 MiB, at a restart from 405 to 348).
     */
    static final String OPTIONS = "-XX:+UseSerialGC -Xms32m -Xmx320m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20"
            + " -XX:MaxNewSize=16m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1 -Xss512k";

    private DeployedJvm() {}
}
