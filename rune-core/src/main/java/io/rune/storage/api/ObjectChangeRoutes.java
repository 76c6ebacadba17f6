package io.rune.storage.api;

import io.rune.storage.model.Kind;
import io.rune.storage.store.ObjectChange;
import io.rune.storage.store.Store;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The recent changes of one object, newest first, from the change log: what the console's
 * detail view shows. Read with the rights of a GET of the object; a name with no retained
 * change (never existed, or compacted away) has an empty history, not a 404, so that a
 * deleted object's last changes stay readable.
 */
final class ObjectChangeRoutes {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  static final Kind[] NAMESPACED = {Kind.VOLUME, Kind.SNAPSHOT, Kind.SERVICE};

  private final Store store;

  ObjectChangeRoutes(Store store) {
    this.store = store;
  }

  void mount(Router api) {
    api.get("/storageclasses/:name/changes").handler(ctx -> changes(ctx, Kind.STORAGE_CLASS));
    for (Kind kind : NAMESPACED) {
      api.get("/namespaces/:namespace/" + kind.plural() + "/:name/changes").handler(ctx -> changes(ctx, kind));
    }
  }

  private void changes(RoutingContext ctx, Kind kind) {
    RouteSupport.respond(ctx, 200, () -> {
      String namespace = kind.namespaced() ? RouteSupport.nameParam(ctx, "namespace") : "";
      String name = RouteSupport.nameParam(ctx, "name");
      // Checked before the caller's rights, as a list's: a request that cannot be read is 400 for anyone.
      int limit = Validation.pageSize(RouteSupport.intParam(ctx, "limit"), DEFAULT_LIMIT, MAX_LIMIT);
      RouteSupport.principal(ctx).checkRead(kind, namespace);
      return store.changesOf(kind, namespace, name, limit);
    }, ObjectChangeRoutes::render);
  }

  private static JsonObject render(List<ObjectChange> changes) {
    JsonArray items = new JsonArray();
    changes.forEach(change -> items.add(change.toJson()));
    return new JsonObject().put("items", items);
  }
}
