package dev.mimamori.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A dashboard as mimamori wants it: the JSON body of {@code POST /api/v1/dashboard}. A dashboard is a document of
 * nested widgets, so it is kept as that document rather than mirrored field by field.
 */
public record DashboardDefinition(ObjectNode body) {

    public DashboardDefinition {
        body = body.deepCopy();
    }

    public String title() {
        return body.path("title").asText();
    }

    public String description() {
        return body.path("description").asText("");
    }

    /**
     * True when the dashboard Datadog holds ({@code actual}) says everything this one says. Datadog adds fields of
     * its own (ids on widgets, timestamps, defaults), so only what we set is compared; lists must match in length.
     */
    public boolean isSatisfiedBy(JsonNode actual) {
        return contains(actual, body);
    }

    /** True when {@code actual} holds everything {@code wanted} holds (extra fields allowed, lists in full). */
    public static boolean contains(JsonNode actual, JsonNode wanted) {
        if (actual == null || actual.isMissingNode()) {
            return wanted.isNull();
        }
        if (wanted.isObject()) {
            if (!actual.isObject()) {
                return false;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = wanted.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!contains(actual.get(field.getKey()), field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (wanted.isArray()) {
            if (!actual.isArray() || actual.size() != wanted.size()) {
                return false;
            }
            for (int i = 0; i < wanted.size(); i++) {
                if (!contains(actual.get(i), wanted.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (wanted.isNumber() && actual.isNumber()) {
            return wanted.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return wanted.equals(actual);
    }
}
