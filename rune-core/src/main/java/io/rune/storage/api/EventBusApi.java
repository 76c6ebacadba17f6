package io.rune.storage.api;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.Names;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The event-bus door: {@code rune.api.<kind>.<verb>} with the JSON of REST. A request
 * body names what REST puts in the path ({@code namespace}, {@code name}), carries the
 * object under {@code object}, and list parameters (and a delete's {@code cascade}) as fields.
 * Failures are {@code fail(<http status>, <error body JSON>)}.
 *
 * <p>A {@code token} header applies RBAC as REST does. A request without one is refused
 * ({@code fail(401, Unauthenticated)}), unless the verticle was deployed with
 * {@link io.rune.storage.RuneStorageOptions#setTrustedLocalEventBus trusted-local} and the
 * request was sent from inside this JVM: then the caller is the embedding application, with
 * full rights. On a clustered Vert.x (the host's cluster manager, or runed's), verticles on
 * other members always send a token: trusted-local never covers a message from the wire.
 */
public final class EventBusApi {
  public static final String PREFIX = "rune.api.";

  private final Vertx vertx;
  private final Resources resources;
  private final Authenticator authenticator;
  private final Apply apply;
  private final boolean trustedLocal;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  /**
   * @param trustedLocal whether a request sent from inside this JVM may omit its token and act
   *     with full rights (the embedding application's)
   */
  public EventBusApi(Vertx vertx, Resources resources, Authenticator authenticator, boolean trustedLocal) {
    this.vertx = vertx;
    this.resources = resources;
    this.authenticator = authenticator;
    this.apply = new Apply(resources);
    this.trustedLocal = trustedLocal;
  }

  public static String address(Kind kind, String verb) {
    return PREFIX + kind.plural() + "." + verb;
  }

  public Future<Void> start() {
    for (Kind kind : Kind.values()) {
      on(address(kind, "get"), (p, body) -> resources.get(p, kind, name(body, "namespace"),
          name(body, "name")).map(ApiObject::toJson));
      on(address(kind, "list"), (p, body) -> resources.list(p, kind, name(body, "namespace"),
          body.getString("labelSelector"), body.getString("fieldSelector"), body.getInteger("limit"),
          body.getString("continue"))
          .map(page -> new JsonObject(ResourceRoutes.render(page))));
      on(address(kind, "create"), (p, body) -> resources.create(p, kind, name(body, "namespace"),
          object(body)).map(ApiObject::toJson));
      on(address(kind, "update"), (p, body) -> resources.replace(p, kind, name(body, "namespace"),
          name(body, "name"), object(body)).map(ApiObject::toJson));
      on(address(kind, "delete"), (p, body) -> resources.delete(p, kind, name(body, "namespace"),
          name(body, "name"), cascade(body)).map(ApiObject::toJson));
    }
    on(address(Kind.STORAGE_CLASS, "set-default"),
        (p, body) -> resources.setDefault(p, name(body, "name")).map(ApiObject::toJson));
    for (Kind kind : new Kind[] {Kind.VOLUME, Kind.SNAPSHOT}) {
      on(address(kind, "retry"), (p, body) -> resources.retry(p, kind, name(body, "namespace"), name(body, "name"))
          .map(ApiObject::toJson));
    }
    on(address(Kind.VOLUME, "retry-provision"), (p, body) -> resources.retry(p, Kind.VOLUME,
        name(body, "namespace"), name(body, "name")).map(ApiObject::toJson));
    on(address(Kind.SERVICE, "report"), (p, body) -> resources.reportReplica(p, name(body, "namespace"),
        name(body, "name"), String.valueOf(body.getValue("ordinal")), body.getJsonObject("report", new JsonObject()))
        .map(ApiObject::toJson));
    on(address(Kind.VOLUME, "detach"), (p, body) -> resources.detach(p, name(body, "namespace"),
        name(body, "name"), body.getBoolean("force", false)).map(ApiObject::toJson));
    on(address(Kind.VOLUME, "restore"), (p, body) -> resources.restore(p, name(body, "namespace"),
        name(body, "name"), body.getJsonObject("restore", new JsonObject())).map(ApiObject::toJson));
    on(PREFIX + "apply", (p, body) -> apply.apply(p, documents(body)));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  public Future<Void> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private void on(String address, BiFunction<Principal, JsonObject, Future<JsonObject>> operation) {
    EventBus bus = vertx.eventBus();
    consumers.add(bus.consumer(address, (Message<JsonObject> message) -> {
      JsonObject body = message.body() == null ? new JsonObject() : message.body();
      principal(message).compose(p -> Resources.attempt(() -> operation.apply(p, body)))
          .onSuccess(message::reply)
          .onFailure(err -> {
            Throwable failure = ApiException.from(err);
            ApiException api = failure instanceof ApiException e ? e : ApiException.internal();
            message.fail(api.status(), api.body().encode());
          });
    }));
  }

  private Future<Principal> principal(Message<JsonObject> message) {
    String token = message.headers().get("token");
    if (token != null) {
      return authenticator.authenticate(token);
    }
    if (trustedLocal && !MessageOrigin.fromAnotherMember(message)) {
      return Future.succeededFuture(Principal.SYSTEM);
    }
    return Future.failedFuture(ApiException.unauthenticated("an event-bus API request needs a 'token'"
        + " header with an API token (as REST's Authorization: Bearer); only the embedding application, in the"
        + " server's own JVM and deployed with trusted-local on, may omit it"));
  }

  /**
   * A {@code namespace} or {@code name} field, checked as REST checks its path (absent is
   * null: a list of every namespace), so nothing the store cannot hold (a NUL) reaches it.
   */
  private static String name(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw ApiException.malformed("field '" + field + "' must be a string", field);
    }
    Validation.check(() -> Names.checkName(field, text));
    return text;
  }

  private static JsonObject object(JsonObject body) {
    Object value = body.getValue("object");
    if (!(value instanceof JsonObject object)) {
      throw ApiException.malformed("the request needs the resource under 'object'", "object");
    }
    return object;
  }

  /** The {@code cascade} field of a delete request (REST's {@code ?cascade=true}); absent is false. */
  private static boolean cascade(JsonObject body) {
    Object value = body.getValue("cascade");
    if (value == null || value instanceof Boolean) {
      return Boolean.TRUE.equals(value);
    }
    throw ApiException.malformed("field 'cascade' must be true or false", "cascade");
  }

  private static List<JsonObject> documents(JsonObject body) {
    Object value = body.getValue("documents");
    if (!(value instanceof JsonArray array)) {
      throw ApiException.malformed("the request needs a 'documents' array", "documents");
    }
    return RequestBodies.documents(array);
  }
}
