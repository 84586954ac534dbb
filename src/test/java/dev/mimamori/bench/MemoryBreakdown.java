package dev.mimamori.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the operator's memory goes, from jcmd: the JVM's native memory tracking summary (committed KiB by area) and
 * the heap's class histogram (which a full collection precedes, so it counts live objects). Both outputs are also
 * written next to the operator's log.
 */
record MemoryBreakdown(
        List<Area> areas, long committedKib, List<HeapClass> topClasses, long heapInstances, long heapBytes) {
    private static final Pattern AREA = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private static final Pattern TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern CLASS = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern HEAP_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

    /** A native memory tracking area (Java Heap, Class, Thread, Code, GC, ...) and what it has committed. */
    record Area(String name, long committedKib) {}

    record HeapClass(String name, long instances, long bytes) {}

    static MemoryBreakdown of(long pid, Path outputs) {
        String nmt = jcmd(pid, "VM.native_memory", "summary");
        String histogram = jcmd(pid, "GC.class_histogram");
        try {
            Files.writeString(outputs.resolveSibling(outputs.getFileName() + "-nmt.txt"), nmt);
            Files.writeString(outputs.resolveSibling(outputs.getFileName() + "-histogram.txt"), histogram);
        } catch (IOException e) {
            // The figures below are what the report needs; the files are for a closer look.
        }
        List<Area> areas = new ArrayList<>();
        long committed = 0;
        for (String line : nmt.split("\n")) {
            Matcher area = AREA.matcher(line);
            if (area.find()) {
                areas.add(new Area(area.group(1).trim(), Long.parseLong(area.group(3))));
            }
            Matcher total = TOTAL.matcher(line);
            if (total.find()) {
                committed = Long.parseLong(total.group(2));
            }
        }
        areas.sort(Comparator.comparingLong(Area::committedKib).reversed());
        List<HeapClass> classes = new ArrayList<>();
        long instances = 0;
        long bytes = 0;
        for (String line : histogram.split("\n")) {
            Matcher c = CLASS.matcher(line);
            if (c.find() && classes.size() < 15) {
                classes.add(new HeapClass(c.group(3), Long.parseLong(c.group(1)), Long.parseLong(c.group(2))));
            }
            Matcher total = HEAP_TOTAL.matcher(line);
            if (total.find()) {
                instances = Long.parseLong(total.group(1));
                bytes = Long.parseLong(total.group(2));
            }
        }
        return new MemoryBreakdown(List.copyOf(areas), committed, List.copyOf(classes), instances, bytes);
    }

    boolean isEmpty() {
        return areas.isEmpty() && topClasses.isEmpty();
    }

    private static String jcmd(long pid, String... command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> args = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid)));
        args.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            process.waitFor(60, TimeUnit.SECONDS);
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
