package io.rune.storage.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The user-written fields of a Snapshot. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SnapshotSpec(Source source) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Source(String volume, String namespace) {}
}
