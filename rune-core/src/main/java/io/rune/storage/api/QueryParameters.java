package io.rune.storage.api;

import io.rune.storage.model.Kind;
import io.rune.storage.model.UserText;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The query parameters each route takes: the one table of them, checked before any route
 * runs. A parameter a route does not take is 400 MalformedRequest naming it, so a misspelt
 * {@code fieldselector} or a {@code cascade} on a volume is never silently ignored; so is a
 * parameter given twice. {@code token} (the bearer's secret, for clients that cannot send a
 * header) is taken everywhere. The values are each route's to check.
 */
final class QueryParameters {
  static final String TOKEN = "token";
  private static final String V1 = "/api/v1";
  private static final Set<String> NONE = Set.of();
  private static final Set<String> LIST = ordered("labelSelector", "fieldSelector", "limit", "continue");
  private static final Set<String> WRITE = ordered("dryRun");
  private static final Set<String> DELETE_CASCADE = ordered("dryRun", "cascade");

  /** "METHOD template" to the parameters it takes, the templates as the routers register them. */
  private static final Map<String, Set<String>> TABLE = table();

  private QueryParameters() {}

  private static Map<String, Set<String>> table() {
    Map<String, Set<String>> t = new TreeMap<>();
    for (String ops : List.of("/healthz", "/readyz", "/metrics", "/openapi.yaml")) {
      t.put("GET " + ops, NONE);
    }
    // The console's redirects; its files under /ui/ are one prefix route, which this table does not check.
    t.put("GET /", NONE);
    t.put("GET /ui", NONE);
    for (Kind kind : Kind.values()) {
      String collection = V1 + (kind.namespaced() ? "/namespaces/:namespace/" : "/") + kind.plural();
      String item = collection + "/:name";
      if (kind.namespaced()) {
        t.put("GET " + V1 + "/" + kind.plural(), LIST);
      }
      t.put("GET " + collection, LIST);
      t.put("POST " + collection, WRITE);
      t.put("GET " + item, NONE);
      if (kind != Kind.SNAPSHOT) {
        t.put("PUT " + item, WRITE);
        t.put("PATCH " + item, WRITE);
      }
      t.put("DELETE " + item, kind == Kind.SERVICE || kind == Kind.STORAGE_CLASS ? DELETE_CASCADE : WRITE);
    }
    String volume = V1 + "/namespaces/:namespace/volumes/:name";
    t.put("POST " + V1 + "/storageclasses/:name/set-default", WRITE);
    t.put("POST " + volume + "/retry", WRITE);
    t.put("POST " + volume + "/retry-provision", WRITE);
    t.put("POST " + volume + "/restore", WRITE);
    t.put("POST " + volume + "/detach", ordered("dryRun", "force"));
    t.put("POST " + V1 + "/namespaces/:namespace/snapshots/:name/retry", WRITE);
    t.put("POST " + V1 + "/namespaces/:namespace/services/:name/replicas/:ordinal/report", NONE);
    t.put("POST " + V1 + "/apply", WRITE);
    t.put("GET " + V1 + "/watch", ordered("kinds", "namespace", "sinceSeq"));
    t.put("GET " + V1 + "/nodes", ordered("labelSelector"));
    t.put("GET " + V1 + "/nodes/:name", NONE);
    t.put("POST " + V1 + "/tokens", NONE);
    t.put("GET " + V1 + "/tokens", NONE);
    t.put("DELETE " + V1 + "/tokens/:id", NONE);
    t.put("GET " + V1 + "/whoami", NONE);
    t.put("GET " + V1 + "/storageclasses/:name/changes", ordered("limit"));
    for (Kind kind : ObjectChangeRoutes.NAMESPACED) {
      t.put("GET " + V1 + "/namespaces/:namespace/" + kind.plural() + "/:name/changes", ordered("limit"));
    }
    return t;
  }

  private static Set<String> ordered(String... names) {
    return new LinkedHashSet<>(List.of(names));
  }

  /**
   * Fails when a registered route has no line in the table: a route added without saying
   * what it takes stops the server at its start, not a client at its first request.
   */
  static void checkCovers(RegisteredRoutes routes) {
    List<String> missing = routes.all().stream().filter(route -> !TABLE.containsKey(route)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("routes without a line in QueryParameters' table: " + missing);
    }
  }

  /** The handler that refuses a query the route of the request does not take; other paths pass on. */
  static void check(RegisteredRoutes routes, RoutingContext ctx) {
    String template = routes.template(ctx.request().method(), RegisteredRoutes.path(ctx));
    if (template == null) {
      ctx.next(); // 404 or 405, answered after every route was tried
      return;
    }
    Set<String> takes = TABLE.get(ctx.request().method().name() + " " + template);
    for (String name : ctx.queryParams().names()) {
      if (!name.equals(TOKEN) && !takes.contains(name)) {
        ctx.fail(ApiException.malformedRequest(name, ctx.request().method().name() + " "
            + RegisteredRoutes.shown(template) + " takes no query parameter " + UserText.quote(name) + "; it takes "
            + (takes.isEmpty() ? "none" : String.join(", ", takes)) + " (and token, on every path)"));
        return;
      }
      if (ctx.queryParams().getAll(name).size() > 1) {
        ctx.fail(ApiException.malformedRequest(name, "the query parameter " + UserText.quote(name)
            + " is given " + ctx.queryParams().getAll(name).size() + " times; give it once"));
        return;
      }
    }
    ctx.next();
  }
}
