package dev.mimamori.bench;

/** Just enough of the Prometheus text format to add up a metric's samples. */
final class Prometheus {

    private Prometheus() {}

    /** The sum of every sample of {@code metric} whose labels contain {@code labelText} (empty: every sample). */
    static double sum(String text, String metric, String labelText) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(metric)) {
                continue;
            }
            String rest = line.substring(metric.length());
            if (!(rest.startsWith("{") || rest.startsWith(" ")) || !rest.contains(labelText)) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            try {
                sum += Double.parseDouble(line.substring(space + 1).trim());
            } catch (NumberFormatException ignored) {
                // A sample we cannot read counts as absent.
            }
        }
        return sum;
    }
}
