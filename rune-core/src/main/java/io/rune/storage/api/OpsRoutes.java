package io.rune.storage.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** The unauthenticated operational endpoints: health, readiness, metrics, the contract. */
final class OpsRoutes {
  private final ApiContext context;
  private Buffer openApi;

  OpsRoutes(ApiContext context) {
    this.context = context;
  }

  void mount(Router root) {
    root.get("/healthz").handler(ctx -> ctx.json(RestApi.status("ok")));
    root.get("/readyz").handler(ctx -> {
      // The database's own words first: a node whose database does not answer says so, not
      // what that outage does to its heartbeat or change feed.
      context.resources().store().ping()
          .onSuccess(v -> {
            String problem = context.readiness().get();
            if (problem == null) {
              Map<String, Map<String, String>> drivers = context.driverDecisions().get();
              ctx.json(drivers.isEmpty() ? RestApi.status("ready")
                  : RestApi.status("ready").put("drivers", new JsonObject(new java.util.TreeMap<>(drivers))));
            } else {
              unavailable(ctx, problem);
            }
          })
          .onFailure(err -> unavailable(ctx, notReachable(err)));
    });
    if (context.metrics() instanceof PrometheusMeterRegistry prometheus) {
      root.get("/metrics").handler(PrometheusScrapingHandler.create(prometheus));
    } else {
      // An application that handed in a registry of another kind reads the meters there; a
      // 404 that says so beats an empty scrape that looks like a server without meters.
      String kind = context.metrics().getClass().getSimpleName();
      root.get("/metrics").handler(ctx -> ctx.fail(ApiException.notFound("this server has no Prometheus"
          + " endpoint: its metrics go to the application's MeterRegistry (" + kind + "); read them there")));
    }
    root.get("/openapi.yaml").handler(ctx -> {
      if (openApi != null) {
        ctx.response().putHeader("Content-Type", "application/yaml").end(openApi);
        return;
      }
      context.vertx().fileSystem().readFile("rune/openapi.yaml")
          .onSuccess(contents -> {
            openApi = contents;
            ctx.response().putHeader("Content-Type", "application/yaml").end(contents);
          })
          .onFailure(ctx::fail);
    });
  }

  /** What the store said is wrong (its first clause: e.g. how long it waited), without the advice. */
  private static void unavailable(io.vertx.ext.web.RoutingContext ctx, String reason) {
    ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
        .end(RestApi.status("unavailable").put("reason", reason).encode());
  }

  private static String notReachable(Throwable failure) {
    if (ApiException.from(failure) instanceof ApiException api && api.getMessage() != null) {
      return api.getMessage().split(";", 2)[0];
    }
    return "the database is not reachable";
  }
}
