package io.rune.storage.api;

import static io.rune.storage.api.RouteSupport.principal;
import static io.rune.storage.api.RouteSupport.respond;

import io.rune.storage.model.Names;
import io.rune.storage.model.UserText;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Admin-only token management. A new token's secret is returned once and never again; no
 * token creates, lists or deletes a token with more rights than its own, a longer life included
 * ({@link Principal#checkMayGrant}).
 */
final class TokenRoutes {
  private static final Set<String> FIELDS = Set.of("role", "namespaces", "description", "expiresAt", "expiresIn");
  static final int MAX_DESCRIPTION = 256;
  private static final int PREFIX_SHOWN = 16;

  private final TokenStore tokens;
  private final Authenticator authenticator;

  TokenRoutes(TokenStore tokens, Authenticator authenticator) {
    this.tokens = tokens;
    this.authenticator = authenticator;
  }

  void mount(Router api) {
    api.post("/tokens").handler(ctx -> respond(ctx, 201, () -> {
      Principal creator = principal(ctx);
      creator.checkAdmin("creating tokens");
      RequestBodies.refuseForms(ctx);
      if (ctx.body().buffer() == null || ctx.body().buffer().length() == 0) {
        throw ApiException.malformed("the request needs a body: {\"role\": \"admin|readwrite|readonly\","
            + " \"namespaces\": [...], \"description\": \"...\"}", null);
      }
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
      String description = description(body.getValue("description", ""));
      TokenExpiry expiry = TokenExpiry.parse(body.getValue("expiresAt"), body.getValue("expiresIn"));
      if (expiry.never()) {
        creator.checkMayGrant(role, Set.copyOf(namespaces), null);
        return tokens.create(role, namespaces, description, null);
      }
      return tokens.now().compose(now -> {
        Instant expiresAt = expiry.resolve(now);
        creator.checkMayGrant(role, Set.copyOf(namespaces), expiresAt);
        return tokens.create(role, namespaces, description, expiresAt);
      });
    }, created -> created));

    // A scoped admin manages only the tokens it could have created: others it neither sees nor deletes.
    api.get("/tokens").handler(ctx -> respond(ctx, 200, () -> {
      Principal caller = principal(ctx);
      caller.checkAdmin("listing tokens");
      return tokens.list().map(list -> list.stream().filter(token -> caller.mayGrant(role(token),
          grantedNamespaces(token), expiresAt(token))).toList());
    }, list -> new JsonObject().put("items", new JsonArray(new ArrayList<Object>(list)))));

    api.delete("/tokens/:id").handler(ctx -> {
      try {
        Principal caller = principal(ctx);
        caller.checkAdmin("deleting tokens");
        UUID id = parseId(ctx.pathParam("id"));
        tokens.get(id).compose(token -> {
          if (token == null) {
            return Future.failedFuture(ApiException.notFound("no token has id " + id));
          }
          if (!caller.mayGrant(role(token), grantedNamespaces(token), expiresAt(token))) {
            return Future.failedFuture(ApiException.forbidden("token " + id + " has rights beyond this token's"
                + " (role " + caller.role() + ", namespaces " + scope(caller)
                + (caller.expiresAt() == null ? "" : ", expiring at " + caller.expiresAt()) + "); only a token with at least"
                + " its rights may delete it"));
          }
          return tokens.delete(id);
        }).onSuccess(deleted -> {
          if (!deleted) {
            ctx.fail(ApiException.notFound("no token has id " + id));
            return;
          }
          authenticator.revoked(id.toString());
          ctx.response().setStatusCode(204).end();
        }).onFailure(ctx::fail);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    });
  }

  private static Role role(JsonObject token) {
    return Role.valueOf(token.getString("role"));
  }

  private static Instant expiresAt(JsonObject token) {
    String expiresAt = token.getString("expiresAt");
    return expiresAt == null ? null : Instant.parse(expiresAt);
  }

  private static Set<String> grantedNamespaces(JsonObject token) {
    Set<String> names = new HashSet<>();
    token.getJsonArray("namespaces").forEach(name -> names.add((String) name));
    return names;
  }

  private static String scope(Principal principal) {
    return principal.namespaces().isEmpty() ? "all" : new TreeSet<>(principal.namespaces()).toString();
  }

  /**
   * A description is shown in lists and terminals: one line of printable text, bounded. The
   * refusal never repeats more than a short prefix of it, which may hold something secret.
   */
  private static String description(Object value) {
    if (!(value instanceof String description)) {
      throw ApiException.malformed("field 'description' must be a string", "description");
    }
    for (int i = 0; i < description.length(); i++) {
      char c = description.charAt(i);
      if (Character.isISOControl(c)) {
        throw ApiException.invalid("description", String.format("description must be one line of printable"
            + " text; it has the control character U+%04X at position %d", (int) c, i));
      }
    }
    int length = description.codePointCount(0, description.length());
    if (length > MAX_DESCRIPTION) {
      throw ApiException.invalid("description", "description must be at most " + MAX_DESCRIPTION
          + " characters; it has " + length + " ('" + description.substring(0, description.offsetByCodePoints(0, PREFIX_SHOWN)) + "...')");
    }
    return description;
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

  /** A token's id is a UUID: anything else in the path cannot be one (400, as a name that is not a name). */
  private static UUID parseId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.malformedRequest("id", "the token id " + UserText.quote(id) + " is not a UUID such as"
          + " 0b6b1d5e-7c2a-4f8e-9d3b-2a1c4e5f6a7b; rune token list shows the ids");
    }
  }
}
