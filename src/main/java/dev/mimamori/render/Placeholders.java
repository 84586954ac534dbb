package dev.mimamori.render;

import dev.mimamori.status.Reasons;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills ${service}, ${env}, ${team} and ${params.NAME}. Only the ${...} form is ours: Datadog's {{...}} template
 * variables are left exactly as written.
 */
final class Placeholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private final String service;
    private final String env;
    private final String team;
    private final Map<String, String> parameters;

    Placeholders(String service, String env, String team, Map<String, String> parameters) {
        this.service = service;
        this.env = env;
        this.team = team;
        this.parameters = parameters;
    }

    String fill(String text, String where) {
        if (text == null) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(valueOf(m.group(1).trim(), where)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String valueOf(String name, String where) {
        switch (name) {
            case "service":
                return service;
            case "env":
                return env;
            case "team":
                if (team == null || team.isEmpty()) {
                    throw new RenderException(
                            Reasons.INVALID_TEMPLATE, where + " uses ${team}, but spec.team is not set");
                }
                return team;
            default:
                if (name.startsWith("params.")) {
                    String param = name.substring("params.".length());
                    String value = parameters.get(param);
                    if (value == null) {
                        throw new RenderException(
                                Reasons.UNKNOWN_PARAMETER,
                                where + " uses ${params." + param + "}, which the profile does not declare");
                    }
                    return value;
                }
                throw new RenderException(
                        Reasons.INVALID_TEMPLATE,
                        where + " uses unknown placeholder ${" + name
                                + "}; known: ${service}, ${env}, ${team}, ${params.NAME}");
        }
    }
}
