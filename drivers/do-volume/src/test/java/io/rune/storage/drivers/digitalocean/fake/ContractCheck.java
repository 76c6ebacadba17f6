package io.rune.storage.drivers.digitalocean.fake;

import io.rune.storage.driver.fakecloud.Reply;
import io.rune.storage.openapi.ValidatorContracts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Checks every request the fake receives and every reply it sends against the reference
 * OpenAPI file, with vertx-openapi's {@link RequestValidator} and {@link ResponseValidator},
 * and keeps what failed as readable lines.
 *
 * <p>The file is used unchanged, read by {@link ValidatorContracts} (which restates two things
 * vertx-openapi 5.0.7 cannot read as OpenAPI 3.0 means them).
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
    return ValidatorContracts.load(vertx, CONTRACT_RESOURCE).map(contract -> new ContractCheck(vertx, contract));
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
