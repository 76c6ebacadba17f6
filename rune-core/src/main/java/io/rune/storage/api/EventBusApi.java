package io.rune.storage.api;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.Names;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
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
 * Failures are {@code fail(<http status>, <error body JSON>)}. A write with the header
 * {@code dryRun: All} is a dry run, as REST's {@code ?dryRun=All}.
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
      write(address(kind, "create"), (r, p, body) -> r.create(p, kind, name(body, "namespace"),
          object(body)).map(ApiObject::toJson));
      write(address(kind, "update"), (r, p, body) -> r.replace(p, kind, name(body, "namespace"),
          name(body, "name"), object(body)).map(ApiObject::toJson));
      write(address(kind, "delete"), (r, p, body) -> r.delete(p, kind, name(body, "namespace"),
          name(body, "name"), cascade(body)).map(ApiObject::toJson));
    }
    write(address(Kind.STORAGE_CLASS, "set-default"),
        (r, p, body) -> r.setDefault(p, name(body, "name")).map(ApiObject::toJson));
    for (Kind kind : new Kind[] {Kind.VOLUME, Kind.SNAPSHOT}) {
      write(address(kind, "retry"), (r, p, body) -> r.retry(p, kind, name(body, "namespace"), name(body, "name"))
          .map(ApiObject::toJson));
    }
    write(address(Kind.VOLUME, "retry-provision"), (r, p, body) -> r.retry(p, Kind.VOLUME,
        name(body, "namespace"), name(body, "name")).map(ApiObject::toJson));
    on(address(Kind.SERVICE, "report"), (p, body) -> resources.reportReplica(p, name(body, "namespace"),
        name(body, "name"), String.valueOf(body.getValue("ordinal")), body.getJsonObject("report", new JsonObject()))
        .map(ApiObject::toJson));
    write(address(Kind.VOLUME, "detach"), (r, p, body) -> r.detach(p, name(body, "namespace"),
        name(body, "name"), body.getBoolean("force", false)).map(ApiObject::toJson));
    write(address(Kind.VOLUME, "restore"), (r, p, body) -> r.restore(p, name(body, "namespace"),
        name(body, "name"), body.getJsonObject("restore", new JsonObject())).map(ApiObject::toJson));
    write(PREFIX + "apply", (r, p, body) -> new Apply(r).apply(p, documents(body)));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  public Future<Void> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  /** A write's operation: on the resources it is given (a dry run's, or the real ones). */
  private interface Write {
    Future<JsonObject> apply(Resources resources, Principal principal, JsonObject body);
  }

  private void on(String address, BiFunction<Principal, JsonObject, Future<JsonObject>> operation) {
    consume(address, (message, p, body) -> operation.apply(p, body));
  }

  /**
   * A write, or a dry run of it when the message carries the header {@code dryRun: All}
   * (REST's {@code ?dryRun=All}); a dry run's reply carries {@code Rune-Dry-Run: All}.
   */
  private void write(String address, Write operation) {
    consume(address, (message, p, body) -> {
      boolean dryRun = DryRun.requested(message.headers().get(DryRun.OPTION));
      return resources.write(dryRun, r -> operation.apply(r, p, body));
    });
  }

  private interface Operation {
    Future<JsonObject> apply(Message<JsonObject> message, Principal principal, JsonObject body);
  }

  private void consume(String address, Operation operation) {
    EventBus bus = vertx.eventBus();
    consumers.add(bus.consumer(address, (Message<JsonObject> message) -> {
      JsonObject body = message.body() == null ? new JsonObject() : message.body();
      principal(message).compose(p -> Resources.attempt(() -> operation.apply(message, p, body)))
          .onSuccess(reply -> message.reply(reply, replyOptions(message)))
          .onFailure(err -> {
            Throwable failure = ApiException.from(err);
            ApiException api = failure instanceof ApiException e ? e : ApiException.internal();
            message.fail(api.status(), api.body().encode());
          });
    }));
  }

  private static DeliveryOptions replyOptions(Message<JsonObject> message) {
    DeliveryOptions options = new DeliveryOptions();
    if (DryRun.ALL.equals(message.headers().get(DryRun.OPTION))) {
      options.addHeader(DryRun.ANSWER_HEADER, DryRun.ALL);
    }
    return options;
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
