package dev.mimamori.render;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A composite monitor's query as a profile writes it, over its own monitor templates by name (for example
 * {@code latency-p95 && !cpu-throttling}), and as Datadog takes it, over monitor ids ({@code 123 && !456}). Only
 * names, {@code && || !}, parentheses and spaces are allowed, so nothing else can reach Datadog's query.
 */
public final class CompositeExpression {
    public static final String TYPE = "composite";
    private static final Pattern TOKEN = Pattern.compile("\\s*(&&|\\|\\||!|\\(|\\)|[a-zA-Z][a-zA-Z0-9-]{0,62})");

    private CompositeExpression() {}

    /** The template names the expression combines, in order of first use; an exception naming what is wrong. */
    public static Set<String> members(String expression) {
        Set<String> names = new LinkedHashSet<>();
        for (String token : tokens(expression)) {
            if (Character.isLetter(token.charAt(0))) {
                names.add(token);
            }
        }
        if (names.size() < 2) {
            throw new IllegalArgumentException("a composite combines at least two monitors by name, e.g. "
                    + "\"latency-p95 && cpu-throttling\"; got \"" + expression + "\"");
        }
        return names;
    }

    /** The expression with each name replaced by its monitor's Datadog id. */
    public static String withIds(String expression, Map<String, String> idsByName) {
        StringBuilder query = new StringBuilder();
        for (String token : tokens(expression)) {
            String part = Character.isLetter(token.charAt(0)) ? idsByName.get(token) : token;
            if (part == null) {
                throw new IllegalArgumentException("no id for monitor \"" + token + "\"");
            }
            if (!query.isEmpty()
                    && !token.equals(")")
                    && !query.toString().endsWith("(")
                    && !query.toString().endsWith("!")) {
                query.append(' ');
            }
            query.append(part);
        }
        return query.toString();
    }

    private static List<String> tokens(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("a composite needs a query combining monitors by name");
        }
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(expression);
        int at = 0;
        while (at < expression.length()) {
            if (!m.find(at) || m.start() != at) {
                if (expression.substring(at).isBlank()) {
                    break;
                }
                throw new IllegalArgumentException("composite query \"" + expression + "\" has \""
                        + expression.substring(at).strip() + "\" where a monitor name, &&, ||, ! or a parenthesis "
                        + "was expected");
            }
            tokens.add(m.group(1));
            at = m.end();
        }
        int depth = 0;
        for (String t : tokens) {
            depth += t.equals("(") ? 1 : t.equals(")") ? -1 : 0;
            if (depth < 0) {
                break;
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("composite query \"" + expression + "\" has unbalanced parentheses");
        }
        return tokens;
    }
}
