package io.rune.storage.api;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.MimeMapping;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web console: static files from the classpath directory rune/ui, served at /ui/ without
 * authentication (they hold no data; the console reads everything through the API with the
 * user's token). / and /ui send the browser to /ui/.
 */
final class ConsoleRoutes {
  static final String ROOT = "rune/ui";
  private static final String INDEX = "index.html";
  /**
   * The console's scripts and styles are its own files only: nothing inline, nothing from
   * another origin, so an injected string can never run as code.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none';"
      + " frame-ancestors 'none'";

  void mount(Router root) {
    root.get("/").handler(ConsoleRoutes::toConsole);
    root.get("/ui").handler(ConsoleRoutes::toConsole);
    // Set when the headers go out, so that a 404 or 304 under /ui carries them too, and so
    // that they replace the long-lived Cache-Control the static handler would send: a file
    // is revalidated on every load, so a new version is seen at once.
    root.route("/ui/*").handler(ctx -> {
      ctx.addHeadersEndHandler(v -> {
        secure(ctx.response().headers());
        typeOfHead(ctx);
      });
      ctx.next();
    });
    root.route("/ui/*").handler(ConsoleRoutes::readOnly);
    root.route("/ui/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(StaticHandler.create(ROOT)
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        .setIndexPage(INDEX)
        .setCachingEnabled(true)
        .setFilesReadOnly(true)
        .setSendVaryHeader(false));
  }

  /** To /ui/ under wherever the router is mounted: an embedding application may mount it under a prefix. */
  private static void toConsole(RoutingContext ctx) {
    if (RegisteredRoutes.path(ctx).endsWith("/ui/")) {
      ctx.next(); // vertx-web matches "/ui" with a trailing slash too: that is the console itself
      return;
    }
    String mount = ctx.mountPoint() == null ? "" : ctx.mountPoint();
    String prefix = mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
    secure(ctx.response().headers());
    ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, prefix + "/ui/").end();
  }

  /** The console's files are only read: any other method is 405, as on the API's paths. */
  private static void readOnly(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      ctx.next();
      return;
    }
    ctx.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
    ctx.fail(new ApiException(405, "MethodNotAllowed", method + " is not allowed on "
        + HttpErrors.shortened(ctx.request().path()) + "; it takes GET, HEAD", null));
  }

  /** HEAD answers the headers GET would: the static handler leaves out the Content-Type. */
  private static void typeOfHead(RoutingContext ctx) {
    if (ctx.request().method() != HttpMethod.HEAD || ctx.response().getStatusCode() != 200
        || ctx.response().headers().contains(HttpHeaders.CONTENT_TYPE)) {
      return;
    }
    String path = ctx.normalizedPath();
    String type = MimeMapping.mimeTypeForFilename(path.endsWith("/") ? INDEX : path);
    if (type != null) {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type.startsWith("text/") ? type + ";charset=UTF-8" : type);
    }
  }

  private static void secure(MultiMap headers) {
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("X-Frame-Options", "DENY")
        .set(HttpHeaders.CACHE_CONTROL, "no-cache")
        .remove(HttpHeaders.SET_COOKIE);
  }
}
