package io.rune.storage.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.rune.storage.model.JsonMapper;
import io.rune.storage.model.Kind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads request bodies: JSON, or YAML when the client says so in Content-Type. */
final class RequestBodies {
  private RequestBodies() {}

  static boolean isYaml(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    return type != null && type.toLowerCase().contains("yaml");
  }

  /**
   * One object of {@code kind}. YAML may use the documents' wrapped form
   * ({@code volume: {...}}); JSON may too, for symmetry.
   */
  static JsonObject object(RoutingContext ctx, Kind kind) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiException.malformed("the request needs a body: a " + kind.kindName() + " as JSON or YAML", null);
    }
    JsonObject json = isYaml(ctx) ? yamlDocuments(body.toString()).stream().findFirst().orElse(null) : json(body);
    if (json == null) {
      throw ApiException.malformed("the body is empty", null);
    }
    if (json.size() == 1) {
      String key = json.fieldNames().iterator().next();
      if (Kind.fromDocumentKey(key).filter(k -> k == kind).isPresent() && json.getValue(key) instanceof JsonObject inner) {
        return inner;
      }
    }
    return json;
  }

  /** The documents of an /apply body, in order. */
  static List<JsonObject> documents(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiException.malformed("the request needs a body: one or more documents", null);
    }
    if (isYaml(ctx)) {
      return yamlDocuments(body.toString());
    }
    String text = body.toString().strip();
    if (text.startsWith("[")) {
      JsonArray array;
      try {
        array = new JsonArray(text);
      } catch (DecodeException e) {
        throw ApiException.malformed("the body is not valid JSON: " + problem(e), null);
      }
      return documents(array);
    }
    return List.of(json(body));
  }

  /** The documents of a JSON array, each of which must be an object. */
  static List<JsonObject> documents(JsonArray array) {
    List<JsonObject> docs = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject doc)) {
        throw ApiException.malformed("document " + i + " must be an object", "documents[" + i + "]");
      }
      docs.add(doc);
    }
    return docs;
  }

  static JsonObject json(Buffer body) {
    try {
      Object value = io.vertx.core.json.Json.decodeValue(body);
      if (value instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      throw ApiException.malformed("the body is not valid JSON: " + problem(e)
          + " (send YAML with Content-Type: application/yaml)", null);
    }
    throw ApiException.malformed("the body must be a JSON object", null);
  }

  private static List<JsonObject> yamlDocuments(String text) {
    List<JsonObject> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = JsonMapper.YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNextValue()) {
        JsonNode node = it.nextValue();
        if (node == null || node.isNull() || node.isMissingNode()) {
          continue; // an empty document, e.g. a trailing "---"
        }
        if (!node.isObject()) {
          throw ApiException.malformed("YAML document " + docs.size() + " must be a mapping", "documents[" + docs.size() + "]");
        }
        docs.add(new JsonObject(JsonMapper.STRICT.writeValueAsString(node)));
      }
    } catch (JsonProcessingException e) {
      throw ApiException.malformed("the body is not valid YAML: " + problem(e), null);
    } catch (IOException e) {
      throw ApiException.malformed("the body could not be read: " + e.getMessage(), null);
    }
    return docs;
  }

  /**
   * What the parser found wrong and where, without the input it quotes: a body may hold a
   * Secret's values, which no answer (or log) may repeat.
   */
  static String problem(Throwable error) {
    JsonProcessingException parse = null;
    for (Throwable t = error; t != null && parse == null; t = t.getCause()) {
      parse = t instanceof JsonProcessingException p ? p : null;
    }
    String message = parse != null ? parse.getOriginalMessage() : error.getMessage();
    String first = message == null ? "" : message.split("\n")[0];
    int quote = first.length();
    for (char c : new char[] {'\'', '"', '`', '('}) {
      int at = first.indexOf(c);
      quote = at >= 0 ? Math.min(quote, at) : quote;
    }
    String problem = first.substring(0, quote).replaceAll("[\\s:;,]+$", "");
    if (problem.isEmpty()) {
      problem = "unexpected input";
    }
    JsonLocation at = parse == null ? null : parse.getLocation();
    return at == null || at.getLineNr() < 1 ? problem
        : problem + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }
}
