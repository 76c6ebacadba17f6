package io.rune.storage.config;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The tables and keys a runefile may contain, and their TOML types. Anything else is an
 * error rather than ignored: a misspelt key silently falling back to its default is how a
 * server ends up with an allowlist nobody asked for.
 */
final class RunefileSchema {

  enum Type {
    STRING("a string"),
    INTEGER("an integer"),
    BOOLEAN("a boolean"),
    STRING_ARRAY("an array of strings"),
    STRING_TABLE("a table of strings"),
    DRIVER_TABLES("a table per driver, of strings, numbers and booleans"),
    /** A nested table with its own keys, checked as {@code [<table>.<key>]} of {@link #TABLES}. */
    TABLE("a table");

    final String description;

    Type(String description) {
      this.description = description;
    }

    boolean accepts(Object value) {
      return switch (this) {
        case STRING -> value instanceof String;
        case INTEGER ->
            value instanceof Integer || value instanceof Long || value instanceof BigInteger;
        case BOOLEAN -> value instanceof Boolean;
        case STRING_ARRAY -> value instanceof JsonArray array
            && array.stream().allMatch(String.class::isInstance);
        case STRING_TABLE -> value instanceof JsonObject table
            && table.fieldNames().stream().map(table::getValue).allMatch(String.class::isInstance);
        case DRIVER_TABLES -> value instanceof JsonObject drivers && drivers.fieldNames().stream()
            .map(drivers::getValue).allMatch(t -> t instanceof JsonObject table && table.fieldNames().stream()
                .map(table::getValue).allMatch(v -> v instanceof String || v instanceof Number || v instanceof Boolean));
        case TABLE -> value instanceof JsonObject;
      };
    }
  }

  /** Table name to key name to type, in the order of the documentation. */
  static final Map<String, Map<String, Type>> TABLES;

  static {
    Map<String, Map<String, Type>> tables = new LinkedHashMap<>();
    table(tables, "server", "listen", Type.STRING, "dataDir", Type.STRING, "node", Type.STRING,
        "devMode", Type.BOOLEAN, "labels", Type.STRING_TABLE, "headersTimeout", Type.STRING, "bodyTimeout", Type.STRING,
        "idleTimeout", Type.STRING);
    table(tables, "store", "url", Type.STRING, "poolSize", Type.INTEGER,
        "requestTimeout", Type.STRING, "changeLogRetention", Type.STRING, "compactionInterval", Type.STRING);
    table(tables, "storage", "defaultStorageClass", Type.STRING, "localVolumeRoot", Type.STRING,
        "hostPathAllowlist", Type.STRING_ARRAY, "allowCreateMissing", Type.BOOLEAN,
        "preserveOnDelete", Type.BOOLEAN, "usageInterval", Type.STRING, "usageCallsPerSecond", Type.INTEGER,
        "drivers", Type.DRIVER_TABLES);
    table(tables, "watch", "bookmarkInterval", Type.STRING, "maxQueuedEvents", Type.INTEGER);
    table(tables, "controller", "maxAttempts", Type.INTEGER, "initialBackoff", Type.STRING,
        "maxBackoff", Type.STRING, "resyncInterval", Type.STRING, "workers", Type.INTEGER);
    table(tables, "drivers", "callTimeout", Type.STRING, "breakerMaxFailures", Type.INTEGER,
        "breakerResetTimeout", Type.STRING);
    table(tables, "secrets", "keyFile", Type.STRING);
    table(tables, "cluster", "enabled", Type.BOOLEAN, "host", Type.STRING, "port", Type.INTEGER,
        "eventBusPort", Type.INTEGER, "members", Type.STRING_ARRAY, "leaseDuration", Type.STRING,
        "renewDeadline", Type.STRING, "retryPeriod", Type.STRING, "insecure", Type.BOOLEAN, "tls", Type.TABLE);
    table(tables, "cluster.tls", "keyStore", Type.STRING, "keyStorePassword", Type.STRING,
        "trustStore", Type.STRING, "trustStorePassword", Type.STRING, "certificate", Type.STRING,
        "key", Type.STRING, "trustCertificate", Type.STRING);
    TABLES = Collections.unmodifiableMap(tables);
  }

  private RunefileSchema() {}

  /**
   * Checks the parsed runefile against the schema; stops at the first problem.
   *
   * @throws ConfigException naming the unknown table or key, or the key of the wrong type
   */
  static void check(JsonObject runefile) {
    check(runefile, TABLES);
  }

  /** As {@link #check(JsonObject)}, against {@code tables} (the runefile's and others). */
  static void check(JsonObject runefile, Map<String, Map<String, Type>> tables) {
    for (String name : runefile.fieldNames()) {
      Map<String, Type> keys = tables.get(name);
      Object value = runefile.getValue(name);
      if (keys == null || name.contains(".")) {
        throw new ConfigException(value instanceof JsonObject
            ? "runefile: unknown table [" + name + "] (known tables: " + knownTables(tables) + ")"
            : "runefile: unknown key '" + name + "' (keys belong in one of the tables "
                + knownTables(tables) + ")");
      }
      checkTable(name, keys, value);
    }
  }

  /** One table's keys; a nested table ({@link Type#TABLE}) is checked in turn. */
  private static void checkTable(String name, Map<String, Type> keys, Object value) {
    if (!(value instanceof JsonObject table)) {
      throw new ConfigException(
          "runefile: '" + name + "' must be a table, got " + describe(value));
    }
    for (String key : table.fieldNames()) {
      Type type = keys.get(key);
      if (type == null) {
        throw new ConfigException("runefile: unknown key '" + name + "." + key
            + "' (known keys in [" + name + "]: " + String.join(", ", keys.keySet()) + ")");
      }
      Object keyValue = table.getValue(key);
      if (!type.accepts(keyValue)) {
        throw new ConfigException("runefile: '" + name + "." + key + "' must be "
            + type.description + ", got " + describe(keyValue));
      }
      if (type == Type.TABLE) {
        checkTable(name + "." + key, TABLES.get(name + "." + key), keyValue);
      }
    }
  }

  /**
   * The TOML type and the value, e.g. {@code string "8"}; a password is masked in case a
   * store URL landed in the wrong place.
   */
  static String describe(Object value) {
    String type;
    if (value instanceof String) {
      type = "string";
    } else if (value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
      type = "float";
    } else if (value instanceof Number) {
      type = "integer";
    } else if (value instanceof Boolean) {
      type = "boolean";
    } else if (value instanceof JsonArray) {
      type = "array";
    } else if (value instanceof JsonObject) {
      type = "table";
    } else {
      type = "value";
    }
    return PostgresUrl.mask(type + " " + Json.encode(value));
  }

  private static String knownTables(Map<String, Map<String, Type>> tables) {
    return tables.keySet().stream().map(t -> "[" + t + "]").collect(Collectors.joining(", "));
  }

  static void table(Map<String, Map<String, Type>> tables, String name, Object... keysAndTypes) {
    Map<String, Type> keys = new LinkedHashMap<>();
    for (int i = 0; i < keysAndTypes.length; i += 2) {
      keys.put((String) keysAndTypes[i], (Type) keysAndTypes[i + 1]);
    }
    tables.put(name, Collections.unmodifiableMap(keys));
  }
}
