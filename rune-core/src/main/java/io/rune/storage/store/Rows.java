package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** Mapping between database rows and model objects. */
final class Rows {
  static final String OBJECT_COLUMNS =
      "kind, namespace, name, uid, resource_version, labels, spec, status, created_at, updated_at";

  private Rows() {}

  static ApiObject toObject(Row row) {
    JsonObject labelsJson = (JsonObject) row.getValue("labels");
    Map<String, String> labels = new LinkedHashMap<>();
    labelsJson.forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    return new ApiObject(
        Kind.fromKindName(row.getString("kind")).orElseThrow(),
        row.getString("namespace"),
        row.getString("name"),
        row.getUUID("uid").toString(),
        row.getLong("resource_version"),
        labels,
        (JsonObject) row.getValue("spec"),
        (JsonObject) row.getValue("status"),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant());
  }

  static Change toChange(Row row) {
    return new Change(
        row.getLong("seq"),
        Change.Type.valueOf(row.getString("type")),
        Kind.fromKindName(row.getString("kind")).orElseThrow(),
        row.getString("namespace"),
        row.getString("name"),
        (JsonObject) row.getValue("object"));
  }

  static ObjectChange toObjectChange(Row row) {
    return new ObjectChange(
        row.getLong("seq"),
        Change.Type.valueOf(row.getString("type")),
        row.getOffsetDateTime("at").toInstant(),
        (JsonObject) row.getValue("object"));
  }

  static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /** Now, at the precision PostgreSQL keeps, so what we return equals what we read back. */
  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  static JsonObject labels(ApiObject object) {
    return new JsonObject(new LinkedHashMap<String, Object>(object.labels()));
  }
}
