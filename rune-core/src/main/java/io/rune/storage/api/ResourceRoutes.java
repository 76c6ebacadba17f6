package io.rune.storage.api;

import static io.rune.storage.api.RouteSupport.principal;
import static io.rune.storage.api.RouteSupport.respond;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.store.RenderedPage;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** The REST routes of StorageClasses, Volumes, Snapshots, Services and Secrets. */
final class ResourceRoutes {
  private final Resources resources;

  ResourceRoutes(Resources resources) {
    this.resources = resources;
  }

  void mount(Router api) {
    String classes = "/storageclasses";
    api.get(classes).handler(ctx -> list(ctx, Kind.STORAGE_CLASS, false));
    api.post(classes).handler(ctx -> create(ctx, Kind.STORAGE_CLASS, false));
    api.get(classes + "/:name").handler(ctx -> get(ctx, Kind.STORAGE_CLASS, false));
    api.put(classes + "/:name").handler(ctx -> replace(ctx, Kind.STORAGE_CLASS, false));
    api.patch(classes + "/:name").handler(ctx -> patch(ctx, Kind.STORAGE_CLASS, false));
    api.delete(classes + "/:name").handler(ctx -> delete(ctx, Kind.STORAGE_CLASS, false));
    api.post(classes + "/:name/set-default").handler(ctx -> write(ctx, 200,
        r -> r.setDefault(principal(ctx), name(ctx))));

    for (Kind kind : new Kind[] {Kind.VOLUME, Kind.SNAPSHOT, Kind.SERVICE, Kind.SECRET}) {
      String collection = "/namespaces/:namespace/" + kind.plural();
      api.get("/" + kind.plural()).handler(ctx -> list(ctx, kind, false));
      api.get(collection).handler(ctx -> list(ctx, kind, true));
      api.post(collection).handler(ctx -> create(ctx, kind, true));
      api.get(collection + "/:name").handler(ctx -> get(ctx, kind, true));
      api.delete(collection + "/:name").handler(ctx -> delete(ctx, kind, true));
    }
    for (Kind kind : new Kind[] {Kind.VOLUME, Kind.SERVICE, Kind.SECRET}) {
      api.put("/namespaces/:namespace/" + kind.plural() + "/:name").handler(ctx -> replace(ctx, kind, true));
      api.patch("/namespaces/:namespace/" + kind.plural() + "/:name").handler(ctx -> patch(ctx, kind, true));
    }
    for (Kind kind : new Kind[] {Kind.VOLUME, Kind.SNAPSHOT}) {
      api.post("/namespaces/:namespace/" + kind.plural() + "/:name/retry").handler(ctx -> write(ctx, 200,
          r -> r.retry(principal(ctx), kind, namespace(ctx), name(ctx))));
    }
    // The verb's first name, kept as an alias.
    api.post("/namespaces/:namespace/volumes/:name/retry-provision").handler(ctx -> write(ctx, 200,
        r -> r.retry(principal(ctx), Kind.VOLUME, namespace(ctx), name(ctx))));
    api.post("/namespaces/:namespace/services/:name/replicas/:ordinal/report").handler(ctx -> respond(ctx, 200,
        () -> resources.reportReplica(principal(ctx), namespace(ctx), name(ctx),
            ctx.pathParam("ordinal"), RequestBodies.object(ctx, Kind.SERVICE)), ApiObject::toJson));
    api.post("/namespaces/:namespace/volumes/:name/detach").handler(ctx -> write(ctx, 200,
        r -> r.detach(principal(ctx), namespace(ctx), name(ctx), RouteSupport.booleanParam(ctx, "force"))));
    api.post("/namespaces/:namespace/volumes/:name/restore").handler(ctx -> write(ctx, 201,
        r -> r.restore(principal(ctx), namespace(ctx), name(ctx), RequestBodies.object(ctx, Kind.VOLUME))));
  }

  // Path parameters are read inside the work of a route, so that a bad one is answered as an error body.
  private static String namespace(RoutingContext ctx) {
    return RouteSupport.nameParam(ctx, "namespace");
  }

  private static String name(RoutingContext ctx) {
    return RouteSupport.nameParam(ctx, "name");
  }

  private static String namespaceIf(RoutingContext ctx, boolean namespaced) {
    return namespaced ? namespace(ctx) : null;
  }

  // Reads answer with the JSON stored beside each object, never rebuilding it per request.
  private void list(RoutingContext ctx, Kind kind, boolean namespaced) {
    RouteSupport.respondText(ctx, () -> resources.list(principal(ctx), kind, namespaceIf(ctx, namespaced),
        RouteSupport.textParam(ctx, "labelSelector"), RouteSupport.textParam(ctx, "fieldSelector"),
        RouteSupport.intParam(ctx, "limit"),
        RouteSupport.continueParam(ctx)).map(ResourceRoutes::render));
  }

  private void get(RoutingContext ctx, Kind kind, boolean namespaced) {
    RouteSupport.respondText(ctx, () -> resources.getRendered(principal(ctx), kind, namespaceIf(ctx, namespaced),
        name(ctx)));
  }

  private void create(RoutingContext ctx, Kind kind, boolean namespaced) {
    write(ctx, 201, r -> r.create(principal(ctx), kind, namespaceIf(ctx, namespaced),
        RequestBodies.object(ctx, kind)));
  }

  private void replace(RoutingContext ctx, Kind kind, boolean namespaced) {
    write(ctx, 200, r -> r.replace(principal(ctx), kind, namespaceIf(ctx, namespaced), name(ctx),
        RequestBodies.object(ctx, kind)));
  }

  private void patch(RoutingContext ctx, Kind kind, boolean namespaced) {
    write(ctx, 200, r -> r.patch(principal(ctx), kind, namespaceIf(ctx, namespaced), name(ctx),
        RequestBodies.mergePatch(ctx)));
  }

  private void delete(RoutingContext ctx, Kind kind, boolean namespaced) {
    write(ctx, 200, r -> r.delete(principal(ctx), kind, namespaceIf(ctx, namespaced), name(ctx),
        RouteSupport.booleanParam(ctx, "cascade")));
  }

  /** A write of one object, answered with it (or, as a dry run, with what it would be). */
  private void write(RoutingContext ctx, int status, Function<Resources, Future<ApiObject>> operation) {
    RouteSupport.write(ctx, status, resources, operation, ApiObject::toJson);
  }

  static String render(RenderedPage page) {
    StringBuilder json = new StringBuilder(64 + page.items().stream().mapToInt(String::length).sum()
        + page.items().size());
    json.append("{\"items\":[");
    for (int i = 0; i < page.items().size(); i++) {
      json.append(i == 0 ? "" : ",").append(page.items().get(i));
    }
    json.append("],\"continue\":")
        .append(page.continueToken() == null ? "null" : "\"" + page.continueToken() + "\"")
        .append(",\"resourceVersion\":\"").append(page.resourceVersion()).append("\"}");
    return json.toString();
  }
}
