package io.rune.storage.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The user-written fields of a StorageClass. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StorageClassSpec(
    String driver,
    Map<String, String> parameters,
    String reclaimPolicy,
    @JsonProperty("default") Boolean isDefault,
    List<TopologyTerm> allowedTopologies) {

  public boolean defaultClass() {
    return Boolean.TRUE.equals(isDefault);
  }

  /** One alternative of allowedTopologies: every label and expression must hold. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TopologyTerm(Map<String, String> matchLabels, List<Expression> matchExpressions) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Expression(String key, String operator, List<String> values) {}
}
