package io.rune.storage.drivers.digitalocean.fake;

import io.rune.storage.driver.fakecloud.Reply;
import io.rune.storage.model.JsonMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Checks every request the fake receives and every reply it sends against the reference
 * OpenAPI file, with vertx-openapi's {@link RequestValidator} and {@link ResponseValidator},
 * and keeps what failed as readable lines.
 *
 * <p>The file is used unchanged; two things vertx-openapi 5.0.7 cannot read as OpenAPI 3.0
 * means them are restated in memory before the contract is built:
 * <ul>
 *   <li>{@code nullable: true} (OpenAPI 3.0's way to allow null) is ignored by its draft-4
 *       JSON Schema validator, which would reject the nulls DigitalOcean really sends
 *       ({@code completed_at} of a running action, {@code tags} of a snapshot without tags).
 *       Such a schema becomes {@code anyOf: [schema, {enum: [null]}]}, which is what it means.</li>
 *   <li>A path parameter whose schema has no {@code type} (the snapshot id: {@code anyOf}
 *       integer or string) makes contract loading fail; in a URL path both are text, so it
 *       is read as {@code type: string}.</li>
 * </ul>
 */
final class ContractCheck {
  static final String CONTRACT_RESOURCE = "digitalocean/volumes.openapi.yaml";

  /** Real-world answers the facts page lists and the spec does not describe. */
  private static final Set<Integer> UNDOCUMENTED_ERROR_STATUSES = Set.of(403, 409, 422);

  private final OpenAPIContract contract;
  private final RequestValidator requests;
  private final ResponseValidator responses;
  private final List<String> violations = new CopyOnWriteArrayList<>();

  private ContractCheck(Vertx vertx, OpenAPIContract contract) {
    this.contract = contract;
    this.requests = RequestValidator.create(vertx, contract);
    this.responses = ResponseValidator.create(vertx, contract);
  }

  static Future<ContractCheck> load(Vertx vertx) {
    return vertx.fileSystem().readFile(CONTRACT_RESOURCE)
        .compose(yaml -> vertx.executeBlocking(() -> readYaml(yaml)))
        .compose(raw -> OpenAPIContract.from(vertx, restateForValidator(raw)))
        .map(contract -> new ContractCheck(vertx, contract));
  }

  @SuppressWarnings("unchecked")
  private static JsonObject readYaml(Buffer yaml) throws Exception {
    return new JsonObject(JsonMapper.YAML.readValue(yaml.toString(), Map.class));
  }

  static JsonObject restateForValidator(JsonObject raw) {
    JsonObject copy = raw.copy();
    JsonObject parameters = copy.getJsonObject("components").getJsonObject("parameters");
    for (String name : parameters.fieldNames()) {
      JsonObject parameter = parameters.getJsonObject(name);
      if ("path".equals(parameter.getString("in")) && !parameter.getJsonObject("schema").containsKey("type")) {
        parameter.put("schema", new JsonObject().put("type", "string"));
      }
    }
    return (JsonObject) allowNulls(copy);
  }

  private static Object allowNulls(Object node) {
    if (node instanceof JsonObject object) {
      JsonObject result = new JsonObject();
      object.forEach(field -> result.put(field.getKey(), allowNulls(field.getValue())));
      if (Boolean.TRUE.equals(result.remove("nullable"))) {
        return new JsonObject().put("anyOf", new JsonArray()
            .add(result)
            .add(new JsonObject().put("enum", new JsonArray().addNull())));
      }
      return result;
    }
    if (node instanceof JsonArray array) {
      JsonArray result = new JsonArray();
      array.forEach(item -> result.add(allowNulls(item)));
      return result;
    }
    return node;
  }

  /**
   * Validates the request; a failure is recorded and comes back as the error DigitalOcean
   * would answer (400 for parameters and unreadable bodies, 422 for a body that breaks the schema).
   */
  Future<Optional<ApiError>> checkRequest(RoutingContext ctx, String operationId) {
    String what = "request " + ctx.request().method() + " " + ctx.request().uri() + " (" + operationId + ")";
    return RequestUtils.extract(ctx.request(), contract.operation(operationId),
            () -> Future.succeededFuture(ctx.body().buffer()))
        .compose(validatable -> requests.validate(validatable, operationId))
        .map(validated -> Optional.<ApiError>empty())
        .recover(failure -> {
          violations.add(what + ": " + failure.getMessage());
          return Future.succeededFuture(Optional.of(asApiError(failure)));
        });
  }

  private static ApiError asApiError(Throwable failure) {
    boolean bodyBreaksSchema = failure instanceof SchemaValidationException
        && failure.getMessage().startsWith("The value of the request body");
    return bodyBreaksSchema
        ? new ApiError(422, "unprocessable_entity", failure.getMessage())
        : new ApiError(400, "bad_request", failure.getMessage());
  }

  /** Records a request that names no operation of the contract. */
  void unknownOperation(String method, String uri) {
    violations.add("request " + method + " " + uri + ": no operation of the contract has this method and path");
  }

  /** Records a request that does not carry the bearer token every operation requires. */
  void missingBearerToken(String method, String uri) {
    violations.add("request " + method + " " + uri + ": the contract's bearer_auth wants 'Authorization: Bearer <token>'");
  }

  /** Records a request the fake itself could not answer: a bug of the fake, answered 500. */
  void fakeFailed(String request, RuntimeException bug) {
    violations.add("request " + request + ": the fake failed, answering 500: " + bug);
  }

  /** Validates a reply before it is sent; a failure is recorded, the reply goes out unchanged. */
  Future<Void> checkReply(Reply reply, String method, String uri, String operationId) {
    Buffer body = reply.body() == null ? null : reply.body().toBuffer();
    ValidatableResponse response = ValidatableResponse.create(
        reply.status(), reply.headers(), body, body == null ? null : "application/json");
    return responses.validate(response, operationId)
        .<Void>mapEmpty()
        .recover(failure -> {
          if (!isUndocumentedRealError(reply, failure)) {
            violations.add("reply " + reply.status() + " to " + method + " " + uri + " (" + operationId + "): "
                + failure.getMessage());
          }
          return Future.succeededFuture();
        });
  }

  private static boolean isUndocumentedRealError(Reply reply, Throwable failure) {
    return UNDOCUMENTED_ERROR_STATUSES.contains(reply.status())
        && failure instanceof ValidatorException e
        && e.type() == ValidatorErrorType.MISSING_RESPONSE;
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  void clear() {
    violations.clear();
  }
}
