package dev.mimamori.gate;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the short durations people write in specs: "90s", "2m", "1h30m". */
public final class Durations {
    /** The longest duration any spec field takes; a larger one is a mistake, and a huge one would overflow. */
    public static final Duration LONGEST = Duration.ofDays(7);

    private static final Pattern PART = Pattern.compile("([0-9]+)(s|m|h)");
    // 7 digits of seconds already pass LONGEST, so longer numbers are refused before they are parsed
    private static final int MAX_DIGITS = 7;

    private Durations() {}

    public static Duration parse(String text, Duration fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        Matcher m = PART.matcher(text.trim());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException("\"" + text + "\" is not a duration such as 90s, 2m or 1h30m");
            }
            if (m.group(1).length() > MAX_DIGITS) {
                throw tooLong(text);
            }
            long amount = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        default -> Duration.ofHours(amount);
                    });
            if (total.compareTo(LONGEST) > 0) {
                throw tooLong(text);
            }
            end = m.end();
        }
        if (end != text.trim().length() || end == 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration such as 90s, 2m or 1h30m");
        }
        return total;
    }

    private static IllegalArgumentException tooLong(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return new IllegalArgumentException(
                "\"" + shown + "\" is longer than " + format(LONGEST) + ", the longest duration accepted");
    }

    /** The shortest text {@link #parse} reads back as {@code d}: "1h30m", "90s" stays "1m30s". */
    public static String format(Duration d) {
        long hours = d.toHours();
        long minutes = d.toMinutesPart();
        long seconds = d.toSecondsPart();
        StringBuilder text = new StringBuilder();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (minutes > 0) {
            text.append(minutes).append('m');
        }
        if (seconds > 0 || text.length() == 0) {
            text.append(seconds).append('s');
        }
        return text.toString();
    }
}
