package dev.mimamori.datadog;

import com.datadog.api.client.JSON;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.List;

/** The exact JSON bodies the operator sends to {@code POST /api/v1/monitor}, for people to review. */
public final class MonitorRequests {

    private MonitorRequests() {
    }

    public static String asJson(List<MonitorDefinition> definitions) {
        try {
            return new JSON().getMapper().copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(definitions.stream().map(MonitorMapping::toCreateRequest).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise monitor requests", e);
        }
    }
}
