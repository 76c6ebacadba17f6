package io.rune.storage.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The one place Jackson is configured for resource input. Strict on purpose: an unknown
 * field or a wrong type is the user's mistake and must be reported, not silently dropped
 * or coerced ("size": true is not a size).
 */
public final class JsonMapper {

  public static final ObjectMapper STRICT = strict(com.fasterxml.jackson.databind.json.JsonMapper.builder());

  public static final YAMLMapper YAML = strict(YAMLMapper.builder());

  private JsonMapper() {}

  private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> M strict(B builder) {
    M mapper = builder
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();
    // Text fields take only text, except that a whole number is accepted where a string
    // is expected: YAML writes "size: 1073741824" and label values like "2" unquoted.
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
    return mapper;
  }
}
