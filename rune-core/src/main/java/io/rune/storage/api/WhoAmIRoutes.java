package io.rune.storage.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.TreeSet;

/**
 * The caller's own token as the server sees it: what a client (the console's sign-in) checks
 * a token with, and learns which actions to offer from. Any valid token may ask.
 */
final class WhoAmIRoutes {
  void mount(Router api) {
    api.get("/whoami").handler(ctx -> {
      Principal caller = RouteSupport.principal(ctx);
      ctx.json(describe(caller));
    });
  }

  private static JsonObject describe(Principal caller) {
    return new JsonObject()
        .put("tokenId", caller.tokenId())
        .put("role", caller.role().name())
        .put("namespaces", new JsonArray(new ArrayList<Object>(new TreeSet<>(caller.namespaces()))))
        .put("expiresAt", caller.expiresAt() == null ? null : caller.expiresAt().toString());
  }
}
