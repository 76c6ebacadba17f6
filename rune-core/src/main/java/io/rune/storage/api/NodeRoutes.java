package io.rune.storage.api;

import io.rune.storage.cluster.NodeDirectory;
import io.rune.storage.cluster.NodeInfo;
import io.rune.storage.model.LabelSelector;
import io.rune.storage.model.UserText;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The nodes of the cluster as the database sees them, for any valid token: nodes are no
 * namespace's, and what they say (names, labels, addresses, shards held) is what an operator
 * of any role needs to read a failover.
 */
final class NodeRoutes {
  private final NodeDirectory nodes;

  NodeRoutes(NodeDirectory nodes) {
    this.nodes = nodes;
  }

  void mount(Router api) {
    api.get("/nodes").handler(ctx -> RouteSupport.respond(ctx, 200, () -> list(ctx), NodeRoutes::nodeList));
    api.get("/nodes/:name").handler(ctx -> RouteSupport.respond(ctx, 200, () -> {
      String name = RouteSupport.nameParam(ctx, "name");
      return nodes.list().map(all -> all.stream().filter(node -> node.name().equals(name)).findFirst()
          .orElseThrow(() -> ApiException.notFound("no node is named " + UserText.quote(name)
              + "; rune node list shows the nodes")));
    }, NodeRoutes::toJson));
  }

  private Future<List<NodeInfo>> list(RoutingContext ctx) {
    LabelSelector selector = Validation.checkRequest(() ->
        LabelSelector.parse(RouteSupport.textParam(ctx, "labelSelector")));
    return nodes.list().map(all -> all.stream().filter(node -> selector.matches(node.labels())).toList());
  }

  private static JsonObject nodeList(List<NodeInfo> nodes) {
    List<Object> items = new ArrayList<>(nodes.size());
    nodes.forEach(node -> items.add(toJson(node)));
    return new JsonObject().put("kind", "NodeList").put("items", new JsonArray(items));
  }

  /** One node as openapi.yaml's Node: labels by key, the heartbeat's age in seconds to the millisecond. */
  static JsonObject toJson(NodeInfo node) {
    return new JsonObject()
        .put("name", node.name())
        .put("status", node.ready() ? "Ready" : "NotReady")
        .put("labels", new JsonObject(new TreeMap<String, Object>(node.labels())))
        .put("address", node.address())
        .put("version", node.version())
        .put("startedAt", node.startedAt().toString())
        .put("heartbeatAt", node.heartbeatAt().toString())
        .put("heartbeatAgeSeconds", node.heartbeatAge().toMillis() / 1000.0)
        .put("shards", new JsonArray(new ArrayList<>(node.shards())));
  }
}
