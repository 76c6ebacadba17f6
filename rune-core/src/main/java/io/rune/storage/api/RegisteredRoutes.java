package io.rune.storage.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The routes of the REST door by path template, read from the routers themselves once every
 * route is registered: which route a request is, and which methods its path takes (the
 * {@code Allow} of a 405). vertx-web knows the methods too, but a sub-router hands only the
 * 405 up to its parent, not them, and the parent's last route answers 404.
 */
final class RegisteredRoutes {
  /** The order methods are listed in {@code Allow}; others follow by name. */
  private static final List<HttpMethod> ORDER = List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.PATCH, HttpMethod.DELETE);
  private static final Pattern PARAMETER = Pattern.compile(":([A-Za-z0-9_]+)");

  private record Template(String path, Pattern pattern, HttpMethod method) {}

  private final List<Template> templates = new ArrayList<>();

  /** Adds the routes of {@code router} that have a path and methods, under {@code prefix} ("" for the root). */
  RegisteredRoutes read(String prefix, Router router) {
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null || !route.isExactPath() || route.methods() == null) {
        continue; // handlers of every request, and the mount of a sub-router
      }
      String path = prefix + route.getPath();
      for (HttpMethod method : route.methods()) {
        templates.add(new Template(path, pattern(path), method));
      }
    }
    return this;
  }

  private static Pattern pattern(String template) {
    StringBuilder regex = new StringBuilder();
    Matcher m = PARAMETER.matcher(template);
    int at = 0;
    while (m.find()) {
      regex.append(Pattern.quote(template.substring(at, m.start()))).append("[^/]+");
      at = m.end();
    }
    regex.append(Pattern.quote(template.substring(at)));
    return Pattern.compile(regex.toString());
  }

  /** Every registered route as "METHOD template", for example {@code GET /api/v1/nodes/:name}. */
  List<String> all() {
    return templates.stream().map(t -> t.method().name() + " " + t.path()).toList();
  }

  /** The template of the route that takes {@code method} on {@code path}, or null when none does. */
  String template(HttpMethod method, String path) {
    for (Template t : templates) {
      if (t.method().equals(method) && t.pattern().matcher(path).matches()) {
        return t.path();
      }
    }
    return null;
  }

  /** The methods that routes take on {@code path}, GET first; empty when no route has the path. */
  List<HttpMethod> methods(String path) {
    Set<HttpMethod> methods = new TreeSet<>(Comparator.comparingInt((HttpMethod m) -> ORDER.contains(m)
        ? ORDER.indexOf(m) : ORDER.size()).thenComparing(HttpMethod::name));
    for (Template t : templates) {
      if (t.pattern().matcher(path).matches()) {
        methods.add(t.method());
      }
    }
    return List.copyOf(methods);
  }

  /** The request's path as the root router sees it: without the mount point of an embedding application. */
  static String path(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String mount = ctx.mountPoint();
    if (mount == null || mount.isEmpty()) {
      return path;
    }
    int strip = mount.endsWith("/") ? mount.length() - 1 : mount.length();
    return path.length() >= strip ? path.substring(strip) : path;
  }

  /** A template as openapi.yaml writes it: {@code /namespaces/{namespace}/volumes}. */
  static String shown(String template) {
    return PARAMETER.matcher(template).replaceAll("{$1}");
  }
}
