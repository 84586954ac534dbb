package dev.mimamori.datadog;

import com.datadog.api.client.JSON;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;

/**
 * The exact JSON bodies the operator sends to Datadog for one service, for people to review: {@code monitors}
 * ({@code POST /api/v1/monitor}), {@code slos} ({@code POST /api/v1/slo}) and {@code dashboard}
 * ({@code POST /api/v1/dashboard}, shared by every service of the profile).
 */
public final class MonitorRequests {

    private MonitorRequests() {
    }

    public static String asJson(List<MonitorDefinition> monitors, List<SloDefinition> slos,
            Optional<DashboardDefinition> dashboard) {
        ObjectMapper mapper = new JSON().getMapper().copy().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode all = mapper.createObjectNode();
        all.set("monitors", mapper.valueToTree(monitors.stream().map(MonitorMapping::toCreateRequest).toList()));
        all.set("slos", mapper.valueToTree(slos.stream().map(SloMapping::toCreateRequest).toList()));
        dashboard.ifPresent(d -> all.set("dashboard", d.body()));
        try {
            return mapper.writeValueAsString(all);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the requests", e);
        }
    }
}
