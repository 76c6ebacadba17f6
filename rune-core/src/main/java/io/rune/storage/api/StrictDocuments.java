package io.rune.storage.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.rune.storage.model.JsonMapper;
import io.rune.storage.model.UserText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON or YAML body token by token into Vert.x JSON, refusing (400 MalformedBody,
 * naming the field and line) what a lenient reader would quietly turn into something else:
 * a key given twice (a lenient reader keeps the last), a YAML alias (Jackson hands over the
 * anchor's name instead of its value), a YAML tag such as {@code !!binary}, a document after
 * the one an endpoint takes, and text PostgreSQL cannot store (NUL, a lone surrogate).
 * Aliases are refused rather than expanded: nobody needs them in these small documents, and
 * expansion is the way to a "billion laughs" body.
 */
final class StrictDocuments {
  /** Far deeper than any resource; a body nested deeper is a mistake or an attack. */
  static final int MAX_DEPTH = 64;

  private final JsonParser parser;
  private final boolean yaml;

  private StrictDocuments(JsonParser parser, boolean yaml) {
    this.parser = parser;
    this.yaml = yaml;
  }

  /** One document read: its top-level value (null for an empty YAML document) and first line. */
  record Document(Object value, int line) {}

  /**
   * Every document of {@code text}: one for JSON, one per {@code ---} section for YAML. With
   * {@code single}, a second non-empty YAML document is refused before it is read. Fields are
   * named as the user wrote them, under {@code documents[i]} unless {@code single}.
   */
  static List<Document> read(String text, boolean yaml, boolean single) {
    return read(text.getBytes(StandardCharsets.UTF_8), yaml, single);
  }

  /** As {@link #read(String, boolean, boolean)}, of UTF-8 bytes: bytes that are not UTF-8 are refused, not replaced. */
  static List<Document> read(byte[] body, boolean yaml, boolean single) {
    try (JsonParser parser = yaml ? JsonMapper.YAML.getFactory().createParser(body)
        : JsonMapper.STRICT.getFactory().createParser(body)) {
      return new StrictDocuments(parser, yaml).documents(single);
    } catch (JsonProcessingException e) {
      throw ApiException.malformed("the body is not valid " + (yaml ? "YAML" : "JSON") + ": "
          + RequestBodies.problem(e) + (yaml ? "" : " (send YAML with Content-Type: application/yaml)"), null);
    } catch (IOException e) {
      throw ApiException.malformed("the body could not be read: " + RequestBodies.problem(e), null);
    }
  }

  private List<Document> documents(boolean single) throws IOException {
    List<Document> documents = new ArrayList<>();
    while (parser.nextToken() != null) {
      int line = line();
      boolean empty = parser.currentToken() == JsonToken.VALUE_NULL;
      if (!yaml && !documents.isEmpty()) {
        throw ApiException.malformed("the body has more after its JSON value, at line " + line
            + "; send one JSON value (an array holds several documents)", null);
      }
      // Numbered as /apply numbers them: empty documents (a stray "---") do not count.
      long index = documents.stream().filter(d -> d.value() != null).count();
      if (single && !empty && index > 0) {
        throw ApiException.malformed("the body holds more than one YAML document (another starts at line " + line
            + "); this endpoint takes one object: send one document, or send several to /apply", null);
      }
      String root = single ? "" : yaml ? "documents[" + index + "]"
          : parser.currentToken() == JsonToken.START_ARRAY ? "documents" : "documents[0]";
      documents.add(new Document(value(root, 0), line));
    }
    return documents;
  }

  private Object value(String path, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw ApiException.malformed("the body nests deeper than " + MAX_DEPTH + " levels at line " + line(), path);
    }
    JsonToken token = parser.currentToken();
    return switch (token) {
      case START_OBJECT -> object(path, depth);
      case START_ARRAY -> array(path, depth);
      case VALUE_STRING -> text(path, "the value of " + name(path));
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NULL -> null;
      default -> throw ApiException.malformed(name(path) + " at line " + line() + " is a YAML value with a tag"
          + " (such as !!binary); write it as plain text", path);
    };
  }

  private JsonObject object(String path, int depth) throws IOException {
    JsonObject object = new JsonObject();
    Map<String, Integer> lines = new HashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = text(path, "a key in " + name(path));
      String at = UserText.child(path, key);
      Integer first = lines.putIfAbsent(key, line());
      if (first != null) {
        throw ApiException.malformed("duplicate key " + UserText.quote(key) + " at line " + line() + " (first at line "
            + first + ") in " + name(path) + "; give each key once", at);
      }
      parser.nextToken();
      object.put(key, value(at, depth + 1));
    }
    return object;
  }

  private JsonArray array(String path, int depth) throws IOException {
    JsonArray array = new JsonArray();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      array.add(value(path + "[" + array.size() + "]", depth + 1));
    }
    return array;
  }

  /** The text of the current string or key, which must be neither an alias nor unstorable. */
  private String text(String path, String what) throws IOException {
    if (yaml && ((YAMLParser) parser).isCurrentAlias()) {
      throw ApiException.malformed("YAML aliases (*" + UserText.quote(parser.getText()) + " at line " + line()
          + ") are not supported; write the value out", path);
    }
    String text = parser.getText();
    refuseUnstorable(text, what + " at line " + line(), path);
    return text;
  }

  /** As the reader checks text, for a body that arrives already parsed (on the event bus). */
  static void checkStorable(String path, Object value) {
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> e : object) {
        refuseUnstorable(e.getKey(), "a key in " + name(path), path);
        checkStorable(UserText.child(path, e.getKey()), e.getValue());
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        checkStorable(path + "[" + i + "]", array.getValue(i));
      }
    } else if (value instanceof String text) {
      refuseUnstorable(text, "the value of " + name(path), path);
    }
  }

  // A key is not shown: a mistyped document can put a value (a Secret's) where a key belongs.
  private static void refuseUnstorable(String text, String what, String path) {
    String problem = UserText.unstorable(text);
    if (problem != null) {
      throw ApiException.malformed(what + " holds " + problem + ", which no field may hold", path);
    }
  }

  private int line() {
    JsonLocation at = parser.currentTokenLocation();
    return at == null ? 0 : at.getLineNr();
  }

  private static String name(String path) {
    return path.isEmpty() ? "the body" : "'" + path + "'";
  }
}
