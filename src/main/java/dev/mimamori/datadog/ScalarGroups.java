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

    /**
     * By query (the values of {@code queryOfName}), one entry per row with a number: the row's value of each of
     * {@code groupTags}. Datadog gives a group column per grouped tag, named after it; a single group column holding
     * every tag's value in order is read too. Rows missing a tag's value are left out.
     */
    static Map<String, List<GroupedValue>> values(
            List<ScalarColumn> columns, List<String> groupTags, Map<String, String> queryOfName) {
        Map<String, List<List<String>>> groupColumns = new LinkedHashMap<>();
        Map<String, List<Double>> numbers = new LinkedHashMap<>();
        for (ScalarColumn column : columns) {
            Object actual = column.getActualInstance();
            if (actual instanceof GroupScalarColumn group && group.getValues() != null) {
                groupColumns.put(String.valueOf(group.getName()), group.getValues());
            } else if (actual instanceof DataScalarColumn data && data.getName() != null) {
                numbers.put(data.getName(), data.getValues());
            }
        }
        Map<String, List<GroupedValue>> result = new LinkedHashMap<>();
        for (Map.Entry<String, String> named : queryOfName.entrySet()) {
            List<GroupedValue> rows = new java.util.ArrayList<>();
            List<Double> values = numbers.getOrDefault(named.getKey(), List.of());
            for (int row = 0; row < values.size(); row++) {
                Double value = values.get(row);
                Map<String, String> tags = tagsOfRow(groupColumns, groupTags, row);
                if (value != null && !value.isNaN() && tags != null) {
                    rows.add(new GroupedValue(tags, value));
                }
            }
            result.put(named.getValue(), rows);
        }
        return result;
    }

    private static Map<String, String> tagsOfRow(
            Map<String, List<List<String>>> groupColumns, List<String> groupTags, int row) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (groupColumns.keySet().containsAll(groupTags)) {
            for (String tag : groupTags) {
                String value = cell(groupColumns.get(tag), row, 0);
                if (value == null) {
                    return null;
                }
                tags.put(tag, value);
            }
            return tags;
        }
        if (groupColumns.size() == 1) {
            List<List<String>> only = groupColumns.values().iterator().next();
            for (int i = 0; i < groupTags.size(); i++) {
                String value = cell(only, row, i);
                if (value == null) {
                    return null;
                }
                tags.put(groupTags.get(i), value);
            }
            return tags;
        }
        return null;
    }

    private static String cell(List<List<String>> column, int row, int index) {
        if (row >= column.size() || column.get(row) == null || column.get(row).size() <= index) {
            return null;
        }
        return column.get(row).get(index);
    }
}
