package dev.mimamori.sim;

import com.datadog.api.client.AbstractOpenApiSchema;
import com.datadog.api.client.JSON;
import com.datadog.api.client.ModelEnum;
import com.datadog.api.client.UnparsedObject;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses a body that the official client's model (datadog-api-client, generated from Datadog's OpenAPI spec) cannot
 * take: a value of the wrong JSON kind, an enum value outside the spec's list, or an object matching none of a oneOf's
 * schemas (an unknown widget type, say). Unknown fields are let through, as the models keep them.
 */
final class ClientModels {
    private static final ObjectMapper MAPPER = new JSON().getMapper();
    private static final String CLIENT_PACKAGE = "com.datadog.api.client.";

    private ClientModels() {}

    /** @throws ApiError 400 naming the first field the model cannot take */
    static void refuseUnparsable(JsonNode body, Class<?> model) {
        List<String> errors = new ArrayList<>();
        try {
            MAPPER.treeToValue(body, model);
        } catch (MismatchedInputException e) {
            errors.add("The value provided for parameter '" + path(e) + "' is invalid: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            // A required property missing: the validators name those in Datadog's words.
        }
        if (errors.isEmpty()) {
            walk(body, MAPPER.constructType(model), "", errors);
        }
        if (!errors.isEmpty()) {
            throw new ApiError(400, errors.subList(0, 1));
        }
    }

    private static void walk(JsonNode node, JavaType type, String field, List<String> errors) {
        Class<?> raw = type.getRawClass();
        if (node == null || node.isNull() || !errors.isEmpty()) {
            return;
        }
        if (ModelEnum.class.isAssignableFrom(raw)) {
            ModelEnum<?> value = read(node, raw, ModelEnum.class);
            if (value == null || !value.isValid()) {
                errors.add("The value provided for parameter '" + field + "' is invalid: " + node + " is not one of "
                        + allowed(value));
            }
        } else if (AbstractOpenApiSchema.class.isAssignableFrom(raw)) {
            AbstractOpenApiSchema oneOf = read(node, raw, AbstractOpenApiSchema.class);
            Object actual = oneOf == null ? null : oneOf.getActualInstance();
            if (actual == null || actual instanceof UnparsedObject) {
                errors.add("The value provided for parameter '" + field + "' is invalid: it matches none of "
                        + new TreeSet<>(
                                oneOf == null ? List.of() : oneOf.getSchemas().keySet()));
            } else {
                walk(node, MAPPER.constructType(actual.getClass()), field, errors);
            }
        } else if (type.isCollectionLikeType() && node.isArray()) {
            node.forEach(item -> walk(item, type.getContentType(), field, errors));
        } else if (type.isMapLikeType() && node.isObject()) {
            node.forEach(value -> walk(value, type.getContentType(), field, errors));
        } else if (raw.getName().startsWith(CLIENT_PACKAGE) && node.isObject()) {
            BeanDescription bean = MAPPER.getDeserializationConfig().introspect(type);
            for (BeanPropertyDefinition property : bean.findProperties()) {
                JsonNode value = node.get(property.getName());
                if (value != null) {
                    walk(value, property.getPrimaryType(), property.getName(), errors);
                }
            }
        }
    }

    private static <T> T read(JsonNode node, Class<?> raw, Class<T> as) {
        try {
            return as.cast(MAPPER.treeToValue(node, raw));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The enum's values, as Datadog's validator lists them. */
    private static String allowed(ModelEnum<?> value) {
        if (value == null) {
            return "the allowed values";
        }
        try {
            Field field = ModelEnum.class.getDeclaredField("localAllowedValues");
            field.setAccessible(true);
            List<String> quoted = new ArrayList<>();
            for (Object v : new TreeSet<>((Set<?>) field.get(value))) {
                quoted.add("'" + v + "'");
            }
            return "[" + String.join(", ", quoted) + "]";
        } catch (ReflectiveOperationException e) {
            return "the allowed values";
        }
    }

    private static String path(MismatchedInputException e) {
        String last = "body";
        for (JsonMappingException.Reference ref : e.getPath()) {
            last = ref.getFieldName() != null ? ref.getFieldName() : last;
        }
        return last;
    }
}
