package dev.mimamori.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import com.datadog.api.client.v2.model.DataScalarColumn;
import com.datadog.api.client.v2.model.GroupScalarColumn;
import com.datadog.api.client.v2.model.ScalarColumn;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalarGroupsTest {

    @Test
    void columnsAreMatchedByTheirNamesWhateverTheirOrder() {
        // Number columns first and in another order than the queries: Datadog documents no order.
        List<ScalarColumn> columns = List.of(
                new ScalarColumn(new DataScalarColumn().name("q1").values(Arrays.asList(null, 3.0))),
                new ScalarColumn(new DataScalarColumn().name("q0").values(Arrays.asList(1.0, null))),
                new ScalarColumn(
                        new GroupScalarColumn().name("service").values(List.of(List.of("cart"), List.of("checkout")))));
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("q0", "avg:a{env:prod} by {service}");
        queries.put("q1", "avg:b{env:prod} by {service}");
        queries.put("q2", "avg:c{env:prod} by {service}");

        Map<String, java.util.Set<String>> groups = ScalarGroups.withData(columns, "service", queries);

        assertThat(groups)
                .containsEntry("avg:a{env:prod} by {service}", java.util.Set.of("cart"))
                .containsEntry("avg:b{env:prod} by {service}", java.util.Set.of("checkout"))
                .containsEntry("avg:c{env:prod} by {service}", java.util.Set.of());
    }
}
