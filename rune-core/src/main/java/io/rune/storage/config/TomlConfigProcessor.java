package io.rune.storage.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.vertx.config.spi.ConfigProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Map;

/**
 * Vert.x Config format {@value #FORMAT}: turns a TOML document into a {@link JsonObject}
 * (tables become objects, arrays arrays; integers stay integers, floats become
 * {@link java.math.BigDecimal}, dates stay strings). {@link RunefileLoader} calls it directly;
 * it is not registered in META-INF/services, so that an application embedding Rune keeps the
 * formats of its own Vert.x Config (it may register this one itself if it wants TOML).
 */
public class TomlConfigProcessor implements ConfigProcessor {

  public static final String FORMAT = "toml";

  private static final TomlMapper MAPPER = new TomlMapper();
  private static final TypeReference<Map<String, Object>> TABLE = new TypeReference<>() {};

  @Override
  public String name() {
    return FORMAT;
  }

  /** Parses inline: a runefile is small and parsing it is CPU-only. */
  @Override
  public Future<JsonObject> process(Vertx vertx, JsonObject configuration, Buffer input) {
    try {
      Map<String, Object> table = MAPPER.readValue(input.getBytes(), TABLE);
      return Future.succeededFuture(table == null ? new JsonObject() : new JsonObject(table));
    } catch (StreamReadException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      return Future.failedFuture(new ConfigException(describe(configuration)
          + " is not valid TOML" + where + ": " + e.getOriginalMessage(), e));
    } catch (IOException e) {
      return Future.failedFuture(new ConfigException(
          describe(configuration) + " could not be parsed as TOML: " + e.getMessage(), e));
    }
  }

  /** The file store passes its own configuration, so errors can name the file. */
  private static String describe(JsonObject configuration) {
    String path = configuration == null ? null : configuration.getString("path");
    return path == null ? "runefile" : "runefile " + path;
  }
}
