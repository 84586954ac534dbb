package dev.mimamori.datadog;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * A metric expression split the way {@code POST /api/v2/query/timeseries} wants it: each {@code queries[].query} holds
 * one metric ({@code agg:metric{scope} by {tags}} with its modifiers {@code .as_count()}, {@code .as_rate()},
 * {@code .rollup(...)}, {@code .fill(...)}), and the arithmetic and functions go into one formula over the query
 * names. Datadog answers 400 "Functions are not supported in metrics data source field" to a query holding more.
 * Pure; {@code ${...}} placeholders inside braces are kept as written.
 *
 * @param expression the expression as written
 * @param queries    the single-metric queries, named q0, q1, ... (or from a chosen first index), each metric once
 * @param formula    the formula over those names, e.g. {@code q0 / q1}
 */
public record MetricFormula(String expression, List<NamedQuery> queries, String formula) {

    /** One entry of {@code queries[]}: its name and its metric query string. */
    public record NamedQuery(String name, String query) {}

    /** The expression cannot be written as single-metric queries and a formula; the message says where and why. */
    public static final class UntranslatableQuery extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UntranslatableQuery(String message) {
            super(message);
        }
    }

    /** Space aggregators Datadog accepts before a metric name; pNN are percentiles of distributions. */
    private static final Set<String> AGGREGATORS = Set.of("avg", "sum", "min", "max", "count");

    private static final Set<String> MODIFIERS = Set.of("as_count", "as_rate", "rollup", "fill");
    /** Datadog's formula functions (docs.datadoghq.com/dashboards/functions/) that take a series first. */
    private static final Set<String> FUNCTIONS = Set.of(
            "abs",
            "log2",
            "log10",
            "cumsum",
            "integral",
            "per_second",
            "per_minute",
            "per_hour",
            "dt",
            "diff",
            "monotonic_diff",
            "derivative",
            "default_zero",
            "clamp_min",
            "clamp_max",
            "cutoff_min",
            "cutoff_max",
            "exclude_null",
            "count_nonzero",
            "count_not_null",
            "moving_rollup",
            "hour_before",
            "day_before",
            "week_before",
            "month_before",
            "timeshift",
            "ewma_3",
            "ewma_5",
            "ewma_10",
            "ewma_20",
            "median_3",
            "median_5",
            "median_7",
            "median_9",
            "autosmooth",
            "top",
            "bottom",
            "trend_line",
            "robust_trend",
            "piecewise_constant");

    public static MetricFormula compile(String expression) {
        return compile(expression, 0);
    }

    /** Names the queries q{first}, q{first+1}, ...: several expressions can then share one request. */
    public static MetricFormula compile(String expression, int first) {
        if (expression == null || expression.isBlank()) {
            throw new UntranslatableQuery("the query is empty");
        }
        Parser parser = new Parser(expression);
        Node root = parser.expression();
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw parser.error("unexpected '" + parser.peek() + "'"
                    + (isComparison(parser.peek())
                            ? " (a threshold belongs to a monitor, not to a metric query)"
                            : ""));
        }
        if (parser.terms.isEmpty()) {
            throw new UntranslatableQuery("\"" + expression.strip() + "\" reads no metric: a query needs at least "
                    + "one term such as avg:system.cpu.user{env:prod}");
        }
        List<NamedQuery> queries = new ArrayList<>();
        for (int i = 0; i < parser.terms.size(); i++) {
            queries.add(new NamedQuery("q" + (first + i), parser.terms.get(i)));
        }
        return new MetricFormula(expression, List.copyOf(queries), root.write(i -> "q" + (first + i)));
    }

    private static boolean isComparison(char c) {
        return c == '>' || c == '<' || c == '=' || c == '!';
    }

    /** A formula tree; {@link #write} prints it with the parentheses its precedence needs. */
    private interface Node {
        String write(IntFunction<String> nameOf);

        /** 1 for + and -, 2 for * and /, 3 for anything that binds tighter. */
        default int precedence() {
            return 3;
        }
    }

    private record Term(int index) implements Node {
        public String write(IntFunction<String> nameOf) {
            return nameOf.apply(index);
        }
    }

    private record Literal(String text) implements Node {
        public String write(IntFunction<String> nameOf) {
            return text;
        }
    }

    private record Negation(Node operand) implements Node {
        public String write(IntFunction<String> nameOf) {
            String inner = operand.write(nameOf);
            return operand.precedence() < 3 || operand instanceof Negation ? "-(" + inner + ")" : "-" + inner;
        }
    }

    private record Call(String function, List<Node> arguments) implements Node {
        public String write(IntFunction<String> nameOf) {
            return function + "("
                    + String.join(
                            ", ", arguments.stream().map(a -> a.write(nameOf)).toList()) + ")";
        }
    }

    private record Binary(char operator, Node left, Node right) implements Node {
        public int precedence() {
            return operator == '+' || operator == '-' ? 1 : 2;
        }

        public String write(IntFunction<String> nameOf) {
            String l = left.write(nameOf);
            String r = right.write(nameOf);
            if (left.precedence() < precedence()) {
                l = "(" + l + ")";
            }
            // a - (b - c) and a / (b * c) keep their parentheses; a + (b - c) does not need them.
            boolean rightNeeds = right.precedence() < precedence()
                    || (right.precedence() == precedence() && (operator == '-' || operator == '/'));
            if (rightNeeds) {
                r = "(" + r + ")";
            }
            return l + " " + operator + " " + r;
        }
    }

    /** Recursive descent over the expression; metric terms are cut out verbatim and numbered in order. */
    private static final class Parser {
        private final String text;
        private final List<String> terms = new ArrayList<>();
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Node expression() {
            Node left = product();
            while (true) {
                skipSpaces();
                char c = peek();
                if (c != '+' && c != '-') {
                    return left;
                }
                pos++;
                left = new Binary(c, left, product());
            }
        }

        Node product() {
            Node left = unary();
            while (true) {
                skipSpaces();
                char c = peek();
                if (c != '*' && c != '/') {
                    return left;
                }
                pos++;
                left = new Binary(c, left, unary());
            }
        }

        Node unary() {
            skipSpaces();
            if (peek() == '-') {
                pos++;
                return new Negation(unary());
            }
            return primary();
        }

        Node primary() {
            skipSpaces();
            char c = peek();
            if (c == '(') {
                pos++;
                Node inner = expression();
                expect(')', "missing ')'");
                return inner;
            }
            if (Character.isDigit(c) || c == '.') {
                return number();
            }
            if (Character.isLetter(c)) {
                int start = pos;
                String word = word();
                skipSpaces();
                if (peek() == ':') {
                    pos = start;
                    return metric();
                }
                if (peek() == '(') {
                    return call(word, start);
                }
                pos = start;
                throw error("'" + word + "' is neither a metric such as avg:" + word + "{*} nor a number");
            }
            throw error(c == 0 ? "the expression ends too early" : "unexpected '" + c + "'");
        }

        private Node number() {
            int start = pos;
            while (Character.isDigit(peek()) || peek() == '.') {
                pos++;
            }
            String number = text.substring(start, pos);
            try {
                Double.parseDouble(number);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("'" + number + "' is not a number");
            }
            return new Literal(number);
        }

        /** A Datadog function in the formula: {@code abs(...)}, {@code moving_rollup(a, 300, 'sum')}. */
        private Node call(String function, int start) {
            if (AGGREGATORS.contains(function) || isPercentile(function)) {
                pos = start;
                throw error("'" + function + "(...)' is a monitor's time aggregation (as in avg(last_5m):...);"
                        + " a gate query is the metric alone, e.g. avg:system.cpu.user{env:prod}");
            }
            if (!FUNCTIONS.contains(function)) {
                pos = start;
                throw error("function " + function + "() is not one of Datadog's formula functions");
            }
            pos++;
            List<Node> arguments = new ArrayList<>();
            skipSpaces();
            while (peek() != ')' && !atEnd()) {
                arguments.add(argument());
                skipSpaces();
                if (peek() == ',') {
                    pos++;
                } else {
                    break;
                }
            }
            expect(')', "missing ')' after the arguments of " + function + "()");
            if (arguments.isEmpty()) {
                throw error(function + "() needs a series as its first argument");
            }
            return new Call(function, arguments);
        }

        /** A formula argument: an expression, or a quoted word such as 'sum' or 'desc'. */
        private Node argument() {
            skipSpaces();
            char quote = peek();
            if (quote == '\'' || quote == '"') {
                int start = pos;
                int end = text.indexOf(quote, pos + 1);
                if (end < 0) {
                    throw error("unclosed quote");
                }
                pos = end + 1;
                return new Literal(text.substring(start, pos));
            }
            return expression();
        }

        /** {@code agg:metric{scope} by {tags}.modifier(...)...}, kept exactly as written. */
        private Node metric() {
            int start = pos;
            String aggregator = word();
            if (!AGGREGATORS.contains(aggregator) && !isPercentile(aggregator)) {
                pos = start;
                throw error("'" + aggregator + ":' is not a space aggregator; use avg, sum, min, max, count or a"
                        + " percentile such as p95");
            }
            pos++;
            skipSpaces();
            int nameStart = pos;
            while (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '.') {
                pos++;
            }
            if (pos == nameStart || !Character.isLetter(text.charAt(nameStart))) {
                throw error("a metric name must follow '" + aggregator + ":'");
            }
            String metric = text.substring(nameStart, pos);
            skipSpaces();
            if (peek() != '{') {
                throw error("metric " + metric + " needs a scope in braces, e.g. " + metric + "{*}");
            }
            braces();
            int end = pos;
            skipSpaces();
            if (text.startsWith("by", pos)) {
                int by = pos;
                pos += 2;
                skipSpaces();
                if (peek() != '{') {
                    pos = by;
                    throw error("'by' must be followed by tags in braces, e.g. by {host}");
                }
                braces();
                end = pos;
            }
            pos = end;
            while (peek() == '.') {
                modifier();
                end = pos;
            }
            terms.add(text.substring(start, end).strip());
            return new Term(indexOf(text.substring(start, end).strip()));
        }

        private int indexOf(String term) {
            // The same metric written twice is queried once.
            int first = terms.indexOf(term);
            if (first != terms.size() - 1) {
                terms.remove(terms.size() - 1);
            }
            return first;
        }

        private void modifier() {
            int start = pos;
            pos++;
            String name = word();
            if (!MODIFIERS.contains(name)) {
                pos = start;
                throw error("." + name + "() cannot stay on a metric query; Datadog takes .as_count(),"
                        + " .as_rate(), .rollup(...) and .fill(...) there and functions in the formula");
            }
            if (peek() != '(') {
                throw error("." + name + " needs parentheses, e.g. ." + name + "()");
            }
            int close = text.indexOf(')', pos);
            if (close < 0) {
                throw error("missing ')' after ." + name + "(");
            }
            pos = close + 1;
        }

        /** Skips a {...} block; {@code ${placeholder}} inside it is part of the text, not its end. */
        private void braces() {
            int open = pos;
            pos++;
            while (!atEnd() && peek() != '}') {
                if (peek() == '{') {
                    pos = open;
                    throw error("'{' inside a scope");
                }
                if (peek() == '$' && pos + 1 < text.length() && text.charAt(pos + 1) == '{') {
                    int close = text.indexOf('}', pos);
                    if (close < 0) {
                        break;
                    }
                    pos = close;
                }
                pos++;
            }
            if (atEnd()) {
                pos = open;
                throw error("unclosed '{'");
            }
            pos++;
        }

        private String word() {
            int start = pos;
            while (Character.isLetterOrDigit(peek())
                    || peek() == '_'
                    || (pos > start && peek() == '.' && isPercentile(text.substring(start, pos)))) {
                pos++;
            }
            return text.substring(start, pos);
        }

        private void expect(char c, String problem) {
            skipSpaces();
            if (peek() != c) {
                throw error(problem);
            }
            pos++;
        }

        void skipSpaces() {
            while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        char peek() {
            return atEnd() ? 0 : text.charAt(pos);
        }

        UntranslatableQuery error(String problem) {
            return new UntranslatableQuery(problem + " at position " + (pos + 1) + " of \"" + text.strip() + "\"");
        }
    }

    private static boolean isPercentile(String word) {
        return word.matches("p\\d{1,2}(\\.\\d+)?");
    }
}
