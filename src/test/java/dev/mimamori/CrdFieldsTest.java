package dev.mimamori;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.mimamori.api.MonitoringProfileSpec;
import dev.mimamori.api.MonitoringProfileStatus;
import dev.mimamori.api.ReleaseCheckSpec;
import dev.mimamori.api.ReleaseCheckStatus;
import dev.mimamori.api.ServiceMonitoringSpec;
import dev.mimamori.api.ServiceMonitoringStatus;
import dev.mimamori.api.TenantPolicySpec;
import dev.mimamori.api.TenantPolicyStatus;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every field of the API types is in its CRD's schema. The API server prunes what the schema does not name, so a field
 * the generator left out is silently dropped from every object a user applies, or from every status the operator
 * writes. The properties are Jackson's, as the generator and the client see them; a public field Jackson does not see
 * (a getter marked {@code @JsonIgnore} hides its whole property) counts as missing too.
 */
class CrdFieldsTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void everyFieldOfEverySpecAndStatusIsInItsCrdsSchema() throws IOException {
        Map<String, JsonNode> crds = CrdValidationRulesTest.crds();
        Map<String, List<Class<?>>> types = Map.of(
                "servicemonitorings.mimamori.dev-v1.yml",
                        List.of(ServiceMonitoringSpec.class, ServiceMonitoringStatus.class),
                "monitoringprofiles.mimamori.dev-v1.yml",
                        List.of(MonitoringProfileSpec.class, MonitoringProfileStatus.class),
                "releasechecks.mimamori.dev-v1.yml", List.of(ReleaseCheckSpec.class, ReleaseCheckStatus.class),
                "tenantpolicies.mimamori.dev-v1.yml", List.of(TenantPolicySpec.class, TenantPolicyStatus.class));
        assertThat(crds.keySet()).containsExactlyInAnyOrderElementsOf(types.keySet());
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, List<Class<?>>> crd : types.entrySet()) {
            JsonNode root = crds.get(crd.getKey()).at("/spec/versions/0/schema/openAPIV3Schema/properties");
            collectMissing(crd.getValue().get(0), root.path("spec"), crd.getKey() + " spec", missing, new HashSet<>());
            collectMissing(
                    crd.getValue().get(1), root.path("status"), crd.getKey() + " status", missing, new HashSet<>());
        }
        assertThat(missing)
                .as("fields of the API types that the CRDs do not have")
                .isEmpty();
    }

    /** The properties Jackson writes for the type (fields, getters, renames: what reaches the API server). */
    static void collectMissing(Class<?> type, JsonNode schema, String path, List<String> missing, Set<Class<?>> seen) {
        if (!seen.add(type)) {
            return;
        }
        BeanDescription bean = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(type));
        for (BeanPropertyDefinition property : bean.findProperties()) {
            if (!property.couldSerialize()) {
                continue;
            }
            JsonNode propertySchema = schema.path("properties").path(property.getName());
            if (propertySchema.isMissingNode()) {
                missing.add(path + "." + property.getName());
                continue;
            }
            JavaType valueType = property.getPrimaryType();
            JsonNode valueSchema = propertySchema;
            while (valueType.isContainerType()) {
                valueSchema = valueType.isMapLikeType()
                        ? valueSchema.path("additionalProperties")
                        : valueSchema.path("items");
                valueType = valueType.getContentType();
            }
            Class<?> value = valueType.getRawClass();
            if (value.getPackageName().equals("dev.mimamori.api") && !value.isEnum()) {
                collectMissing(value, valueSchema, path + "." + property.getName(), missing, seen);
            }
        }
        Set<String> seenByJackson = new HashSet<>();
        bean.findProperties().forEach(p -> seenByJackson.add(p.getInternalName()));
        for (Field field : type.getFields()) {
            if (!Modifier.isStatic(field.getModifiers())
                    && !field.isAnnotationPresent(JsonIgnore.class)
                    && !seenByJackson.contains(field.getName())) {
                missing.add(path + "." + field.getName() + " (hidden from Jackson)");
            }
        }
    }
}
