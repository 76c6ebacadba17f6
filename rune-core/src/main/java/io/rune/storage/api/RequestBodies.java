package io.rune.storage.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.rune.storage.model.Kind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/** Reads request bodies: JSON, or YAML when the client says so in Content-Type. */
final class RequestBodies {
  /** What a 415 tells the client to do. */
  static final String SUPPORTED = "send the body as application/json or application/yaml (with curl:"
      + " -H 'Content-Type: application/json'; curl -d alone sends a form)";
  static final String MERGE_PATCH = "application/merge-patch+json";

  private RequestBodies() {}

  static boolean isYaml(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    return type != null && type.toLowerCase().contains("yaml");
  }

  /** The media type of the body, lower case and without parameters; null when none is named. */
  private static String mediaType(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    return type == null ? null : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Refuses (415) a form: what {@code curl -d} sends unless told otherwise, whose body is
   * meant as form fields and would only confuse as JSON.
   */
  static void refuseForms(RoutingContext ctx) {
    String type = mediaType(ctx);
    if (type != null && (type.equals("application/x-www-form-urlencoded") || type.startsWith("multipart/"))) {
      throw ApiException.unsupportedMediaType("the body is " + type + ", a form; " + SUPPORTED);
    }
  }

  /** A PATCH body: a JSON merge patch (RFC 7386), which must be an object. */
  static JsonObject mergePatch(RoutingContext ctx) {
    if (!MERGE_PATCH.equals(mediaType(ctx))) {
      throw ApiException.unsupportedMediaType("PATCH takes a JSON merge patch (RFC 7386): send it with"
          + " Content-Type: " + MERGE_PATCH + (mediaType(ctx) == null ? "" : ", not " + mediaType(ctx)));
    }
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiException.malformed("the request needs a body: a JSON merge patch, e.g. {\"labels\":{\"app\":\"web\"}}",
          null);
    }
    return json(body);
  }

  /**
   * One object of {@code kind}. YAML may use the documents' wrapped form
   * ({@code volume: {...}}); JSON may too, for symmetry. A second YAML document is refused.
   */
  static JsonObject object(RoutingContext ctx, Kind kind) {
    refuseForms(ctx);
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiException.malformed("the request needs a body: a " + kind.kindName() + " as JSON or YAML", null);
    }
    boolean yaml = isYaml(ctx);
    List<StrictDocuments.Document> docs = StrictDocuments.read(body.getBytes(), yaml, true);
    Object value = docs.stream().map(StrictDocuments.Document::value).filter(v -> v != null).findFirst().orElse(null);
    if (value == null) {
      throw ApiException.malformed("the body is empty", null);
    }
    if (!(value instanceof JsonObject json)) {
      throw ApiException.malformed("the body must be " + (yaml ? "a YAML mapping" : "a JSON object"), null);
    }
    if (json.size() == 1) {
      String key = json.fieldNames().iterator().next();
      if (Kind.fromDocumentKey(key).filter(k -> k == kind).isPresent() && json.getValue(key) instanceof JsonObject inner) {
        return inner;
      }
    }
    return json;
  }

  /** The documents of an /apply body, in order: YAML documents, a JSON array of objects, or one JSON object. */
  static List<JsonObject> documents(RoutingContext ctx) {
    refuseForms(ctx);
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiException.malformed("the request needs a body: one or more documents", null);
    }
    boolean yaml = isYaml(ctx);
    List<JsonObject> docs = new ArrayList<>();
    for (StrictDocuments.Document doc : StrictDocuments.read(body.getBytes(), yaml, false)) {
      if (doc.value() instanceof JsonArray array && !yaml) {
        return documents(array);
      }
      if (doc.value() == null && yaml) {
        continue; // an empty document, e.g. a trailing "---"
      }
      if (!(doc.value() instanceof JsonObject object)) {
        throw ApiException.malformed(yaml ? "YAML document " + docs.size() + " (line " + doc.line() + ") must be a"
            + " mapping" : "the body must be a JSON object or an array of them", "documents[" + docs.size() + "]");
      }
      docs.add(object);
    }
    return docs;
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

  /** A JSON object body, read as strictly as {@link #object}. */
  static JsonObject json(Buffer body) {
    Object value = body == null ? null : StrictDocuments.read(body.getBytes(), false, true).stream().findFirst()
        .map(StrictDocuments.Document::value).orElse(null);
    if (value instanceof JsonObject object) {
      return object;
    }
    throw ApiException.malformed("the body must be a JSON object", null);
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
