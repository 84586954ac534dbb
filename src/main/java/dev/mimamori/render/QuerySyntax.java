package dev.mimamori.render;

import dev.mimamori.status.Reasons;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The checks a rendered query must pass before it is sent: catches broken templates without spending a Datadog call.
 * Datadog still has the last word (its 400 becomes MonitorRejected).
 */
final class QuerySyntax {

    private QuerySyntax() {}

    static void check(String query, String where) {
        if (query == null || query.isBlank()) {
            throw new RenderException(Reasons.INVALID_QUERY, where + " has an empty query");
        }
        Deque<Character> open = new ArrayDeque<>();
        boolean quoted = false;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '(' || c == '{' || c == '[')) {
                open.push(c);
            } else if (!quoted && (c == ')' || c == '}' || c == ']')) {
                char expected = c == ')' ? '(' : c == '}' ? '{' : '[';
                if (open.isEmpty() || open.pop() != expected) {
                    throw new RenderException(
                            Reasons.INVALID_QUERY,
                            where + ": unbalanced '" + c + "' at position " + (i + 1) + " in query: " + query);
                }
            }
        }
        if (quoted || !open.isEmpty()) {
            throw new RenderException(
                    Reasons.INVALID_QUERY,
                    where + ": unclosed " + (quoted ? "quote" : "'" + open.peek() + "'") + " in query: " + query);
        }
    }
}
