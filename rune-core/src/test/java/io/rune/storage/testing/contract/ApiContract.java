package io.rune.storage.testing.contract;

import io.rune.storage.model.JsonMapper;
import io.rune.storage.openapi.ValidatorContracts;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The server's own openapi.yaml as a check of HTTP exchanges, with vertx-openapi's request
 * and response validators. What breaks the contract, as readable lines:
 * <ul>
 *   <li>an answer the operation does not declare: a status it does not list, a body or a
 *       header its schema refuses (an error code outside the enum, say);</li>
 *   <li>a 2xx answer to a request the contract refuses (the server accepted more than it says);</li>
 *   <li>a 400 answer to a request the contract allows, unless the refusal is one the contract
 *       describes in words only (see {@link #BEYOND_SCHEMA});</li>
 *   <li>a method and path no operation has, answered other than with a 4xx refusal.</li>
 * </ul>
 * A request that is invalid by design (the error tests send many) is no violation by itself:
 * its answer must still be one the contract declares.
 *
 * <p>vertx-openapi 5.0.7 validates JSON bodies only (it refuses to load a contract with YAML
 * or merge-patch media types, and hands text/plain bodies to the schema validator as bytes it
 * cannot read), so those media types are renamed in memory to vendor JSON types
 * ({@link #readableMediaTypes}) and the exchange's bodies converted the same way: a YAML
 * object body is validated as the JSON it means, text (the multi-document {@code /apply}
 * body, the served openapi.yaml, the metrics, the console's html, javascript and css) as a
 * JSON string, and a JSON merge patch as the JSON it is.
 */
public final class ApiContract {
  public static final String RESOURCE = "rune/openapi.yaml";
  private static final String YAML = "application/yaml";
  private static final String YAML_AS_JSON = "application/vnd.rune.yaml+json";
  private static final String MERGE_PATCH = "application/merge-patch+json";
  private static final String MERGE_PATCH_AS_JSON = "application/vnd.rune.merge-patch+json";
  private static final String TEXT = "text/plain";
  private static final String TEXT_AS_JSON = "application/vnd.rune.text+json";
  /** Other text types (the console's html, javascript and css), each renamed to a type of its own. */
  private static final String OTHER_TEXT = "text/";
  private static final String OTHER_TEXT_AS_JSON = "application/vnd.rune.text-";

  /**
   * 400 refusals whose causes openapi.yaml gives in words, not in schema, by what their
   * messages say: a key given twice, a YAML alias or tag, nesting too deep, a NUL character,
   * a malformed percent-encoding, a query parameter given twice. A 400 with one of them on a
   * request the schema allows is the description's, not a drift.
   */
  static final Set<String> BEYOND_SCHEMA = Set.of("duplicate key", "given twice", "alias", "tag", "nesting",
      "NUL", "surrogate", "percent", "document", "chunk", "give it once");

  /**
   * Query parameters whose values follow grammars openapi.yaml gives in words (selectors) or
   * that only the server can judge (its own continue tokens).
   */
  static final Set<String> GRAMMARS_IN_WORDS = Set.of("labelSelector", "fieldSelector", "continue");

  private final OpenAPIContract contract;
  private final RequestValidator requests;
  private final ResponseValidator responses;

  private ApiContract(Vertx vertx, OpenAPIContract forRequests, OpenAPIContract forResponses) {
    this.contract = forRequests;
    this.requests = RequestValidator.create(vertx, forRequests);
    this.responses = ResponseValidator.create(vertx, forResponses);
  }

  public static Future<ApiContract> load(Vertx vertx) {
    return openApiContract(vertx, true).compose(forRequests -> openApiContract(vertx, false)
        .map(forResponses -> new ApiContract(vertx, forRequests, forResponses)));
  }

  /**
   * openapi.yaml as vertx-openapi reads it (restated as the class comment says), as requests
   * ({@code forRequests}) or responses must keep it (see {@link ValidatorContracts#requestView}).
   */
  public static Future<OpenAPIContract> openApiContract(Vertx vertx, boolean forRequests) {
    return ValidatorContracts.load(vertx, RESOURCE, raw -> readableMediaTypes(
        forRequests ? ValidatorContracts.requestView(raw) : ValidatorContracts.responseView(raw)));
  }

  /** An HTTP answer: status, headers and the whole body (empty when there is none). */
  public record Answer(int status, MultiMap headers, Buffer body) {}

  /**
   * Checks an exchange: the request as the server received it (its body read whole) and the
   * answer it gave. The violations found, each naming the request, the operation, the status
   * and the validator's message; empty when the exchange keeps the contract.
   */
  public Future<List<String>> check(HttpServerRequest request, Buffer requestBody, Answer answer) {
    String exchange = request.method() + " " + request.uri();
    Operation operation = contract.findOperation(request.path(), request.method());
    if (operation == null) {
      return Future.succeededFuture(refusal(answer) ? List.of()
          : List.of(exchange + " answered " + answer.status()
              + ": no operation of openapi.yaml has this method and path"));
    }
    String what = exchange + " (" + operation.getOperationId() + ") answered " + answer.status() + codeOf(answer);
    List<String> violations = new ArrayList<>();
    return checkAnswer(operation, answer)
        .map(problem -> problem == null ? violations : add(violations, what + ": " + problem))
        .compose(v -> requestProblem(request, requestBody, operation))
        .map(requestProblem -> {
          boolean success = answer.status() / 100 == 2 || answer.status() == 101;
          if (requestProblem != null && success) {
            violations.add(what + ", yet openapi.yaml refuses the request: " + requestProblem);
          } else if (requestProblem == null && answer.status() == 400 && !describedInWords(answer, operation)) {
            violations.add(what + " (" + errorOf(answer) + "), yet openapi.yaml allows the request");
          }
          return List.copyOf(violations);
        });
  }

  /** Checks an answer alone (to a request the check did not see): null, or what is wrong with it. */
  public Future<String> checkAnswer(HttpMethod method, String path, Answer answer) {
    Operation operation = contract.findOperation(path, method);
    if (operation == null) {
      return Future.succeededFuture(refusal(answer) ? null
          : "no operation of openapi.yaml has this method and path");
    }
    return checkAnswer(operation, answer);
  }

  /**
   * Whether an answer refuses the request (4xx): what a method and path the contract does not
   * offer get (404, 405, 401 before routing, 400 for a path that cannot be decoded, 414...).
   */
  private static boolean refusal(Answer answer) {
    return answer.status() / 100 == 4;
  }

  private Future<String> checkAnswer(Operation operation, Answer answer) {
    Map<String, String> headers = new LinkedHashMap<>();
    answer.headers().forEach(header -> headers.putIfAbsent(header.getKey(), header.getValue()));
    boolean hasBody = answer.body() != null && answer.body().length() > 0;
    String contentType = readableType(answer.headers().get("Content-Type"), operation, false);
    if (hasBody && contentType == null) {
      return Future.succeededFuture("a body without a Content-Type");
    }
    ValidatableResponse response = hasBody
        ? ValidatableResponse.create(answer.status(), headers, asJson(answer.body(), contentType), contentType)
        : ValidatableResponse.create(answer.status(), headers);
    return responses.validate(response, operation.getOperationId())
        .map(valid -> (String) null)
        .recover(failure -> Future.succeededFuture(shortened(failure.getMessage())));
  }

  /** The validator's message without the enum it lists in full (the file has it). */
  private static String shortened(String message) {
    return message == null ? null : message.replaceAll("Instance does not match any of \\[[^\\]]*\\]", "not in the enum");
  }

  /** " CODE" of an error body, or "". */
  private static String codeOf(Answer answer) {
    try {
      return " " + new JsonObject(answer.body()).getJsonObject("error").getString("code");
    } catch (RuntimeException notAnError) {
      return "";
    }
  }

  /** Null when the contract allows the request, else the validator's message. */
  private Future<String> requestProblem(HttpServerRequest request, Buffer body, Operation operation) {
    if (body.length() > 0 && request.getHeader("Content-Type") == null) {
      return Future.succeededFuture("a body without a Content-Type");
    }
    return RequestUtils.extract(request, operation, () -> Future.succeededFuture(body))
        .map(extracted -> readable(extracted, operation))
        .compose(readable -> requests.validate(readable, operation.getOperationId()))
        .map(valid -> (String) null)
        .recover(failure -> Future.succeededFuture(failure.getMessage()));
  }

  /** The request with its body as vertx-openapi can read it (see the class comment). */
  private static ValidatableRequest readable(ValidatableRequest request, Operation operation) {
    String given = request.getContentType();
    String type = readableType(given, operation, true);
    Object body = request.getBody() == null ? null : request.getBody().get();
    if (body instanceof Buffer buffer) {
      body = asJson(buffer, type);
    }
    return new ValidatableRequestImpl(request.getCookies(), request.getHeaders(), request.getPathParameters(),
        request.getQuery(), body == null ? null : new RequestParameterImpl(body), type);
  }

  /** A body of the renamed YAML types as the JSON the validator reads; any other unchanged. */
  private static Buffer asJson(Buffer body, String readableType) {
    if (TEXT_AS_JSON.equals(readableType) || (readableType != null && readableType.startsWith(OTHER_TEXT_AS_JSON))) {
      return Buffer.buffer(Json.encode(body.toString()));
    }
    return YAML_AS_JSON.equals(readableType) ? yamlAsJson(body) : body;
  }

  private static Buffer yamlAsJson(Buffer yaml) {
    try {
      return Buffer.buffer(Json.encode(JsonMapper.YAML.readValue(yaml.toString(), Object.class)));
    } catch (Exception unreadable) {
      return yaml; // left as it is: the validator refuses it as JSON, as the server refuses it as YAML
    }
  }

  /** The media type the restated contract names for {@code given} in this operation's request or responses. */
  private static String readableType(String given, Operation operation, boolean request) {
    if (given == null) {
      return null;
    }
    String type = given.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (type.equals(MERGE_PATCH)) {
      return MERGE_PATCH_AS_JSON;
    }
    if (type.equals(TEXT)) {
      return TEXT_AS_JSON;
    }
    if (type.startsWith(OTHER_TEXT)) {
      return otherTextAsJson(type);
    }
    if (!type.equals(YAML)) {
      return type; // parameters (charset, the metrics format's version) do not change the schema
    }
    boolean asJson = request && operation.getRequestBody() != null
        && operation.getRequestBody().getContent().containsKey(YAML_AS_JSON);
    return asJson ? YAML_AS_JSON : TEXT_AS_JSON;
  }

  /**
   * The contract with the media types vertx-openapi 5.0.7 cannot read renamed to vendor JSON
   * types: text and YAML whose schema is text, other YAML, and JSON merge patches.
   */
  static JsonObject readableMediaTypes(JsonObject contract) {
    rename(contract);
    return contract;
  }

  private static void rename(Object node) {
    if (node instanceof JsonObject object) {
      JsonObject content = object.getValue("content") instanceof JsonObject c ? c : null;
      if (content != null && content.containsKey(YAML)) {
        JsonObject mediaType = (JsonObject) content.remove(YAML);
        boolean text = "string".equals(mediaType.getJsonObject("schema", new JsonObject()).getString("type"));
        content.put(text ? TEXT_AS_JSON : YAML_AS_JSON, mediaType);
      }
      if (content != null && content.containsKey(TEXT)) {
        content.put(TEXT_AS_JSON, content.remove(TEXT));
      }
      if (content != null && content.containsKey(MERGE_PATCH)) {
        content.put(MERGE_PATCH_AS_JSON, content.remove(MERGE_PATCH));
      }
      if (content != null) {
        for (String type : List.copyOf(content.fieldNames())) {
          if (type.startsWith(OTHER_TEXT)) {
            content.put(otherTextAsJson(type), content.remove(type));
          }
        }
      }
      object.forEach(field -> rename(field.getValue()));
    } else if (node instanceof io.vertx.core.json.JsonArray array) {
      array.forEach(ApiContract::rename);
    }
  }

  /** text/html as application/vnd.rune.text-html+json, and so on. */
  private static String otherTextAsJson(String type) {
    return OTHER_TEXT_AS_JSON + type.substring(OTHER_TEXT.length()) + "+json";
  }

  /**
   * Whether a 400 refuses what openapi.yaml refuses in words only: see {@link #BEYOND_SCHEMA}
   * and {@link #GRAMMARS_IN_WORDS}, and a query parameter the operation does not declare
   * (OpenAPI cannot close an operation's list of parameters; the description says an unknown
   * one is 400).
   */
  private static boolean describedInWords(Answer answer, Operation operation) {
    String message = errorOf(answer);
    String field = fieldOf(answer);
    boolean undeclaredParameter = field != null && "MalformedRequest".equals(codeOf(answer).trim())
        && operation.getParameters().stream().noneMatch(parameter -> parameter.getName().equals(field));
    return undeclaredParameter || (field != null && GRAMMARS_IN_WORDS.contains(field))
        || BEYOND_SCHEMA.stream().anyMatch(message::contains);
  }

  private static String fieldOf(Answer answer) {
    try {
      return new JsonObject(answer.body()).getJsonObject("error").getString("field");
    } catch (RuntimeException notAnError) {
      return null;
    }
  }

  /** "field: message" of an error body, or the body itself. */
  private static String errorOf(Answer answer) {
    try {
      JsonObject error = new JsonObject(answer.body()).getJsonObject("error");
      return error.getString("field") + ": " + error.getString("message");
    } catch (RuntimeException notAnError) {
      return answer.body() == null ? "" : answer.body().toString();
    }
  }

  private static List<String> add(List<String> list, String line) {
    list.add(line);
    return list;
  }
}
