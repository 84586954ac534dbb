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

    @Test
    void aGroupColumnPerTagGivesEachRowItsTagValues() {
        List<ScalarColumn> columns = List.of(
                new ScalarColumn(
                        new GroupScalarColumn().name("service").values(List.of(List.of("checkout"), List.of("N/A")))),
                new ScalarColumn(
                        new GroupScalarColumn().name("host").values(List.of(List.of("node-a"), List.of("node-a")))),
                new ScalarColumn(new DataScalarColumn().name("q0").values(Arrays.asList(0.5e9, 7.4e9))));

        Map<String, List<GroupedValue>> rows =
                ScalarGroups.values(columns, List.of("host", "service"), Map.of("q0", "sum:cpu by {host,service}"));

        assertThat(rows.get("sum:cpu by {host,service}"))
                .containsExactly(
                        new GroupedValue(Map.of("host", "node-a", "service", "checkout"), 0.5e9),
                        new GroupedValue(Map.of("host", "node-a", "service", "N/A"), 7.4e9));
    }

    @Test
    void oneGroupColumnWithEveryTagInOrderIsReadTooAndRowsWithoutANumberAreLeftOut() {
        List<ScalarColumn> columns = List.of(
                new ScalarColumn(new GroupScalarColumn()
                        .name("host,service")
                        .values(List.of(List.of("node-a", "checkout"), List.of("node-b", "search")))),
                new ScalarColumn(new DataScalarColumn().name("q0").values(Arrays.asList(null, 2.0))));

        Map<String, List<GroupedValue>> rows =
                ScalarGroups.values(columns, List.of("host", "service"), Map.of("q0", "q"));

        assertThat(rows.get("q")).containsExactly(new GroupedValue(Map.of("host", "node-b", "service", "search"), 2.0));
    }
}
