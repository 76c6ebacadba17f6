package io.rune.storage.api;

import static io.rune.storage.api.RouteSupport.principal;
import static io.rune.storage.api.RouteSupport.respond;

import io.rune.storage.model.Names;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Admin-only token management. A new token's secret is returned once and never again. */
final class TokenRoutes {
  private static final Set<String> FIELDS = Set.of("role", "namespaces", "description");

  private final TokenStore tokens;
  private final Authenticator authenticator;

  TokenRoutes(TokenStore tokens, Authenticator authenticator) {
    this.tokens = tokens;
    this.authenticator = authenticator;
  }

  void mount(Router api) {
    api.post("/tokens").handler(ctx -> respond(ctx, 201, () -> {
      principal(ctx).checkAdmin("creating tokens");
      JsonObject body = RequestBodies.json(ctx.body().buffer());
      for (String field : body.fieldNames()) {
        if (!FIELDS.contains(field)) {
          throw ApiException.malformed("unknown field '" + field + "'; known fields: " + FIELDS, field);
        }
      }
      Object roleValue = body.getValue("role");
      Role role = roleValue instanceof String s ? Role.parse(s).orElse(null) : null;
      if (role == null) {
        throw ApiException.invalid("role", "role must be admin, readwrite or readonly");
      }
      List<String> namespaces = namespaces(body.getValue("namespaces"));
      Object description = body.getValue("description", "");
      if (!(description instanceof String)) {
        throw ApiException.malformed("field 'description' must be a string", "description");
      }
      return tokens.create(role, namespaces, (String) description);
    }, created -> created));

    api.get("/tokens").handler(ctx -> respond(ctx, 200, () -> {
      principal(ctx).checkAdmin("listing tokens");
      return tokens.list();
    }, list -> new JsonObject().put("items", new JsonArray(new ArrayList<Object>(list)))));

    api.delete("/tokens/:id").handler(ctx -> {
      try {
        principal(ctx).checkAdmin("deleting tokens");
        UUID id = parseId(ctx.pathParam("id"));
        tokens.delete(id).onSuccess(deleted -> {
          if (!deleted) {
            ctx.fail(ApiException.notFound("no token has id " + id));
            return;
          }
          authenticator.invalidate();
          ctx.response().setStatusCode(204).end();
        }).onFailure(ctx::fail);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    });
  }

  private static List<String> namespaces(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw ApiException.malformed("field 'namespaces' must be a list of namespace names", "namespaces");
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String field = "namespaces[" + i + "]";
      if (!(array.getValue(i) instanceof String name)) {
        throw ApiException.malformed("field '" + field + "' must be a string", field);
      }
      Validation.check(() -> Names.checkName(field, name));
      names.add(name);
    }
    return names;
  }

  private static UUID parseId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("no token has id " + id);
    }
  }
}
