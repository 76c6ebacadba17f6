package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.rune.storage.model.FieldSelector;
import io.rune.storage.model.LabelSelector;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which objects of the watch stream a {@code list -w} shows: the stream has no selectors, so
 * the list's are applied here, read by the model's own parsers ({@link LabelSelector},
 * {@link FieldSelector}), which the server has already accepted them with. A field selector's
 * field is compared at its place in the object as the API writes it (metadata and spec fields
 * top-level); a field the object lacks reads as empty, as on the server.
 */
final class ObjectFilter {
  private ObjectFilter() {}

  static Predicate<JsonNode> of(ResourceType type, String labelSelector, String fieldSelector) {
    LabelSelector labels = LabelSelector.parse(labelSelector);
    Predicate<JsonNode> wanted = object -> labels.matches(labels(object.path("labels")));
    for (FieldSelector.Requirement requirement : FieldSelector.parse(type.kind(), fieldSelector).requirements()) {
      boolean equals = requirement.op() == FieldSelector.Operator.EQUALS;
      wanted = wanted.and(object -> requirement.value().equals(field(object, requirement.field())) == equals);
    }
    return wanted;
  }

  private static String field(JsonNode object, String field) {
    String path = field.startsWith("metadata.") ? field.substring("metadata.".length())
        : field.startsWith("spec.") ? field.substring("spec.".length()) : field;
    JsonNode node = object;
    for (String part : path.split("\\.")) {
      node = node.path(part);
    }
    return node.isValueNode() && !node.isNull() ? node.asText() : "";
  }

  private static Map<String, String> labels(JsonNode labels) {
    Map<String, String> map = new HashMap<>();
    labels.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }
}
