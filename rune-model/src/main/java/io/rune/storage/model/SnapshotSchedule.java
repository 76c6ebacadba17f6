package io.rune.storage.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * When to snapshot a volume and how many of those snapshots to keep: {@code cron} (five
 * fields, or {@code @hourly}, {@code @daily}, {@code @weekly}) in {@code timezone} (an IANA
 * id, UTC by default), {@code retention} ({@code keep} newest and/or none older than
 * {@code maxAge}), and {@code labels} put on each snapshot it takes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SnapshotSchedule(String cron, String timezone, Retention retention, Map<String, String> labels) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Retention(Integer keep, String maxAge) {}
}
