package dev.mimamori.api;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * Makes list properties of a CRD type list maps keyed by one field ({@code input}: "monitors:name,slos:name"), so the
 * API server refuses a duplicate key at linear cost, where a CEL uniqueness rule costs n². Runs only in the CRD
 * generator at build time.
 */
public class ListMapKeys implements SchemaCustomizer.Customizer {
    @Override
    public JSONSchemaProps apply(JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
        for (String entry : input.split(",")) {
            String[] propertyAndKey = entry.split(":");
            JSONSchemaProps list = schema.getProperties().get(propertyAndKey[0]);
            if (list == null || !"array".equals(list.getType())) {
                throw new IllegalArgumentException(propertyAndKey[0] + " is not a list property of this type");
            }
            list.setXKubernetesListType("map");
            list.setXKubernetesListMapKeys(List.of(propertyAndKey[1]));
        }
        return schema;
    }
}
