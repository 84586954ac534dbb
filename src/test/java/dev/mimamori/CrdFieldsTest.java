package dev.mimamori;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every field of the API types is in its CRD's schema. The API server prunes what the schema does not name, so a field
 * the generator left out (a getter marked {@code @JsonIgnore} hides its whole property from it) is silently dropped
 * from every object a user applies, or from every status the operator writes.
 */
class CrdFieldsTest {

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

    static void collectMissing(Class<?> type, JsonNode schema, String path, List<String> missing, Set<Class<?>> seen) {
        if (!seen.add(type)) {
            return;
        }
        for (Field field : type.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) || field.isAnnotationPresent(JsonIgnore.class)) {
                continue;
            }
            JsonProperty renamed = field.getAnnotation(JsonProperty.class);
            String name = renamed != null && !renamed.value().isEmpty() ? renamed.value() : field.getName();
            JsonNode property = schema.path("properties").path(name);
            if (property.isMissingNode()) {
                missing.add(path + "." + name);
                continue;
            }
            Type generic = field.getGenericType();
            Class<?> element = field.getType();
            JsonNode elementSchema = property;
            if (generic instanceof ParameterizedType p && List.class.isAssignableFrom(field.getType())) {
                element = (Class<?>) p.getActualTypeArguments()[0];
                elementSchema = property.path("items");
            } else if (generic instanceof ParameterizedType p && Map.class.isAssignableFrom(field.getType())) {
                element = p.getActualTypeArguments()[1] instanceof Class<?> c ? c : Object.class;
                elementSchema = property.path("additionalProperties");
            }
            if (element.getPackageName().equals("dev.mimamori.api") && !element.isEnum()) {
                collectMissing(element, elementSchema, path + "." + name, missing, seen);
            }
        }
    }
}
