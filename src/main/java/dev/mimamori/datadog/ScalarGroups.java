package dev.mimamori.datadog;

import com.datadog.api.client.v2.model.DataScalarColumn;
import com.datadog.api.client.v2.model.GroupScalarColumn;
import com.datadog.api.client.v2.model.ScalarColumn;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a grouped scalar answer: which groups have data for which query. Columns are found by the name Datadog gives
 * them (a group column by its tag key, a number column by its formula), never by position, since Datadog documents
 * no column order. Pure.
 */
final class ScalarGroups {
    private ScalarGroups() {}

    /** By query (the values of {@code queryOfName}), the group values with a number; a query without column has none. */
    static Map<String, Set<String>> withData(
            List<ScalarColumn> columns, String groupTag, Map<String, String> queryOfName) {
        List<List<String>> rows = null;
        Map<String, List<Double>> numbers = new LinkedHashMap<>();
        for (ScalarColumn column : columns) {
            Object actual = column.getActualInstance();
            if (actual instanceof GroupScalarColumn group && groupTag.equals(group.getName())) {
                rows = group.getValues();
            } else if (actual instanceof DataScalarColumn data && data.getName() != null) {
                numbers.put(data.getName(), data.getValues());
            }
        }
        Map<String, Set<String>> result = new LinkedHashMap<>();
        for (Map.Entry<String, String> named : queryOfName.entrySet()) {
            Set<String> groups = new TreeSet<>();
            List<Double> values = numbers.get(named.getKey());
            for (int row = 0; rows != null && values != null && row < Math.min(rows.size(), values.size()); row++) {
                Double value = values.get(row);
                List<String> tags = rows.get(row);
                if (value != null && !value.isNaN() && tags != null && !tags.isEmpty()) {
                    groups.add(tags.get(0));
                }
            }
            result.put(named.getValue(), groups);
        }
        return result;
    }
}
